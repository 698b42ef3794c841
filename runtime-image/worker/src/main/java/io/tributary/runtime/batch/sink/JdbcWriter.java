package io.tributary.runtime.batch.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.sink.JdbcSink;
import io.tributary.runtime.batch.BadRecordException;
import io.tributary.runtime.batch.Lane;
import io.tributary.runtime.batch.RecordSink;
import io.tributary.runtime.batch.RunFailure;
import io.tributary.runtime.batch.SecretFiles;
import io.tributary.runtime.transform.RecordJson;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows into a table in JDBC batches. Each record writes the table's columns it has: a field
 * that is absent keeps the column's default on insert (identity and defaulted columns) and its
 * value on an upsert's update; a field that is null writes NULL. Fields that are not columns of the
 * table are not written.
 *
 * <p>Idempotence per run: {@code append} writes the whole run in one transaction, committed at the
 * end, so a failed attempt leaves nothing and its retry does not double rows. {@code upsert}
 * commits every {@code batchSize} rows ({@code INSERT ... ON CONFLICT (keys) DO UPDATE},
 * PostgreSQL) because re-applying a batch is harmless.
 *
 * <p>A row the database refuses for its content (SQLSTATE class 22 or 23, {@link JdbcRefusals}) is
 * a dead letter, not the end of the run: each batch runs inside a savepoint, and a refused batch is
 * rolled back to it and split in halves until the refused rows stand alone. The other rows are
 * written in input order in the same transaction, so both guarantees above hold.
 */
public final class JdbcWriter implements RecordSink {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcWriter.class);

  /** Prepared INSERTs kept, one per combination of fields seen. */
  static final int MAX_STATEMENTS = 64;

  private final JdbcSink spec;
  private final Properties props = new Properties();
  private final boolean upsert;
  private final int batchSize;
  private Connection conn;
  private Map<String, Column> tableColumns;
  private List<Column> allColumns;
  private final Map<BitSet, Insert> inserts = new HashMap<>();
  private Insert current;
  private BitSet currentSet;

  /** The rows of the current statement not sent yet, kept to be sent again in parts if refused. */
  private final List<Row> pending = new ArrayList<>();

  private final List<Lane.Rejected> rejected = new ArrayList<>();
  private long written;

  /** A column; {@code precision} and {@code scale} as the driver reports them (0 when none). */
  private record Column(String name, int sqlType, String typeName, int precision, int scale) {}

  /** A record and its values converted for the statement's columns. */
  private record Row(ObjectNode record, Object[] values) {}

  public JdbcWriter(JdbcSink spec, SecretFiles secrets) {
    this.spec = spec;
    this.upsert = spec.mode() == JdbcSink.Mode.UPSERT;
    this.batchSize = spec.batchSize();
    String user = secrets.read(spec.userSecretRef(), "sink.jdbc.userSecretRef");
    String password = secrets.read(spec.passwordSecretRef(), "sink.jdbc.passwordSecretRef");
    if (user != null) props.setProperty("user", user);
    if (password != null) props.setProperty("password", password);
    if (spec.url().startsWith("jdbc:postgresql:")) {
      props.setProperty("reWriteBatchedInserts", "true");
    }
    // Upsert on PostgreSQL with keyColumns: the plan check (PlanCheck) refused anything else.
  }

  @Override
  public java.util.Optional<RunSummary> begin() throws SQLException {
    conn = DriverManager.getConnection(spec.url(), props);
    conn.setAutoCommit(false);
    tableColumns = new LinkedHashMap<>();
    try (PreparedStatement ps =
            conn.prepareStatement("SELECT * FROM " + spec.table() + " WHERE 1=0");
        ResultSet rs = ps.executeQuery()) {
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        tableColumns.put(
            md.getColumnName(i),
            new Column(
                md.getColumnName(i),
                md.getColumnType(i),
                md.getColumnTypeName(i),
                md.getPrecision(i),
                md.getScale(i)));
      }
    }
    conn.rollback();
    allColumns = List.copyOf(tableColumns.values());
    if (upsert) {
      for (String k : spec.keyColumns()) {
        if (!tableColumns.containsKey(k)) {
          throw RunFailure.invalidPlan(
              "sink.jdbc.keyColumns: table " + spec.table() + " has no column " + k);
        }
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * The INSERT for one set of columns. Records with other fields get their own statement, so no
   * record loses a field because an earlier record lacked it.
   */
  private record Insert(List<Column> columns, PreparedStatement statement) {}

  /** The table's columns the record has (key columns always, for an upsert), as indexes. */
  private BitSet present(ObjectNode record) {
    BitSet set = new BitSet(allColumns.size());
    for (int i = 0; i < allColumns.size(); i++) {
      String name = allColumns.get(i).name();
      if (record.has(name) || (upsert && spec.keyColumns().contains(name))) {
        set.set(i);
      }
    }
    return set;
  }

  private Insert insertFor(BitSet set) throws SQLException {
    Insert i = inserts.get(set);
    if (i == null) {
      if (inserts.size() >= MAX_STATEMENTS) {
        // Records with ever new combinations of fields: start over rather than grow without end.
        for (Insert old : inserts.values()) old.statement().close();
        inserts.clear();
      }
      i = prepareInsert(set);
      inserts.put(set, i);
    }
    return i;
  }

  private Insert prepareInsert(BitSet set) throws SQLException {
    List<Column> columns = new ArrayList<>();
    set.stream().forEach(i -> columns.add(allColumns.get(i)));
    List<String> names = columns.stream().map(Column::name).toList();
    StringBuilder sql =
        new StringBuilder("INSERT INTO ")
            .append(spec.table())
            .append(" (")
            .append(String.join(", ", names))
            .append(") VALUES (")
            .append(String.join(", ", names.stream().map(n -> "?").toList()))
            .append(')');
    if (upsert) {
      List<String> updates =
          names.stream()
              .filter(n -> !spec.keyColumns().contains(n))
              .map(n -> n + " = EXCLUDED." + n)
              .toList();
      sql.append(" ON CONFLICT (").append(String.join(", ", spec.keyColumns())).append(')');
      sql.append(
          updates.isEmpty() ? " DO NOTHING" : " DO UPDATE SET " + String.join(", ", updates));
    }
    if (inserts.isEmpty()) {
      LOG.info("writing {} ({}), columns {}", spec.table(), upsert ? "upsert" : "append", names);
    } else {
      LOG.debug("records with other fields: writing columns {} into {}", names, spec.table());
    }
    return new Insert(columns, conn.prepareStatement(sql.toString()));
  }

  @Override
  public void write(ObjectNode record) throws SQLException, BadRecordException {
    BitSet set = present(record);
    if (set.isEmpty()) {
      throw new BadRecordException(
          "sink", "the record has none of the columns of table " + spec.table());
    }
    Insert target = current != null && currentSet.equals(set) ? current : null;
    List<Column> columns = target != null ? target.columns() : null;
    if (columns == null) {
      columns = new ArrayList<>();
      for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
        columns.add(allColumns.get(i));
      }
    }
    // Convert every value first, so a bad one rejects the record before anything is bound.
    Object[] values = new Object[columns.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = convert(columns.get(i), record.get(columns.get(i).name()));
    }
    if (target == null) {
      // Rows run in input order: send what the previous statement holds before switching, so an
      // upsert of the same key twice ends with the later record.
      flush();
      target = insertFor(set);
      current = target;
      currentSet = set;
    }
    pending.add(new Row(record, values));
    if (pending.size() >= batchSize) {
      flush();
      if (upsert) {
        conn.commit();
      }
    }
  }

  /**
   * Sends the pending rows; they are committed with the run (append) or the next batch (upsert).
   * Rows the database refused are handed out by {@link #drainRejected}.
   */
  @Override
  public void flush() throws SQLException {
    if (!pending.isEmpty()) {
      send(current, pending);
      pending.clear();
    }
  }

  /**
   * Sends {@code rows} as one batch inside a savepoint. When the database refuses the content of a
   * row, the batch is rolled back to the savepoint and each half is sent on its own, down to the
   * single rows it refuses, which become rejects; any other error fails the write.
   */
  private void send(Insert target, List<Row> rows) throws SQLException {
    Savepoint savepoint = conn.setSavepoint();
    PreparedStatement insert = target.statement();
    try {
      for (Row row : rows) {
        bind(target, row);
        insert.addBatch();
      }
      insert.executeBatch();
    } catch (SQLException e) {
      if (!JdbcRefusals.refusesRow(e)) {
        throw e;
      }
      insert.clearBatch();
      conn.rollback(savepoint);
      if (rows.size() == 1) {
        Row row = rows.get(0);
        String reason = JdbcRefusals.reason(e, suspects(target, row, JdbcRefusals.state(e)));
        LOG.debug("{} refused a row: {}", spec.table(), reason);
        rejected.add(new Lane.Rejected(row.record(), new BadRecordException("sink", reason)));
        return;
      }
      int half = rows.size() / 2;
      send(target, rows.subList(0, half));
      send(target, rows.subList(half, rows.size()));
      return;
    }
    conn.releaseSavepoint(savepoint);
    written += rows.size();
  }

  private static void bind(Insert target, Row row) throws SQLException {
    PreparedStatement insert = target.statement();
    Object[] values = row.values();
    for (int i = 0; i < values.length; i++) {
      Column c = target.columns().get(i);
      if (values[i] == null) {
        insert.setNull(i + 1, c.sqlType());
      } else if (values[i] instanceof String str && c.sqlType() == Types.OTHER) {
        insert.setObject(i + 1, str, Types.OTHER); // json, jsonb, uuid: let the server cast
      } else {
        insert.setObject(i + 1, values[i]);
      }
    }
  }

  /**
   * The columns whose value alone explains a refusal the server names no column for: text longer
   * than a {@code varchar(n)}/{@code char(n)} (22001), a number beyond a {@code numeric(p,s)} or an
   * integer type (22003).
   */
  private static List<String> suspects(Insert target, Row row, String state) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < row.values().length; i++) {
      Column c = target.columns().get(i);
      Object v = row.values()[i];
      boolean suspect =
          switch (state) {
            case "22001" ->
                v instanceof String s
                    && (c.sqlType() == Types.VARCHAR || c.sqlType() == Types.CHAR)
                    && c.precision() > 0
                    && s.codePointCount(0, s.length()) > c.precision();
            case "22003" -> outOfRange(c, v);
            default -> false;
          };
      if (suspect) {
        out.add(c.name());
      }
    }
    return out;
  }

  private static boolean outOfRange(Column c, Object v) {
    if (v instanceof Long l) {
      return switch (c.sqlType()) {
        case Types.SMALLINT, Types.TINYINT -> l < Short.MIN_VALUE || l > Short.MAX_VALUE;
        case Types.INTEGER -> l < Integer.MIN_VALUE || l > Integer.MAX_VALUE;
        default -> false;
      };
    }
    if (v instanceof BigDecimal d
        && (c.sqlType() == Types.NUMERIC || c.sqlType() == Types.DECIMAL)
        && c.precision() > 0
        && c.precision() < 1000) {
      BigDecimal rounded = d.setScale(c.scale(), RoundingMode.HALF_UP);
      return rounded.precision() - rounded.scale() > c.precision() - c.scale();
    }
    return false;
  }

  @Override
  public List<Lane.Rejected> drainRejected() {
    if (rejected.isEmpty()) {
      return List.of();
    }
    List<Lane.Rejected> out = List.copyOf(rejected);
    rejected.clear();
    return out;
  }

  static Object convert(Column c, JsonNode v) throws BadRecordException {
    if (v == null || v.isNull()) {
      return null;
    }
    try {
      switch (c.sqlType()) {
        case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT:
          if (v.isIntegralNumber()) return v.longValue();
          return Long.parseLong(v.asText().trim());
        case Types.NUMERIC, Types.DECIMAL:
          return v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText().trim());
        case Types.REAL, Types.FLOAT, Types.DOUBLE:
          double d = v.isNumber() ? v.doubleValue() : Double.parseDouble(v.asText().trim());
          // "NaN" and "Infinity" parse, and PostgreSQL would store them: refuse as the readers do.
          if (RecordJson.refusal(d) != null) {
            throw new BadRecordException(
                "sink", "field " + c.name() + ": " + RecordJson.refusal(d));
          }
          return d;
        case Types.BOOLEAN, Types.BIT:
          if (v.isBoolean()) return v.booleanValue();
          String b = v.asText().trim();
          if (b.equals("true") || b.equals("false")) return Boolean.parseBoolean(b);
          throw new IllegalArgumentException("not a boolean");
        case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE:
          Instant t =
              v.isIntegralNumber()
                  ? Instant.ofEpochMilli(v.longValue())
                  : Columns.parseInstant(v.asText());
          if (t == null) throw new IllegalArgumentException("not an ISO-8601 timestamp");
          return "timestamptz".equalsIgnoreCase(c.typeName())
                  || c.sqlType() == Types.TIMESTAMP_WITH_TIMEZONE
              ? t.atOffset(ZoneOffset.UTC)
              : LocalDateTime.ofInstant(t, ZoneOffset.UTC);
        case Types.DATE:
          return LocalDate.parse(v.asText().substring(0, Math.min(10, v.asText().length())));
        default:
          return v.isContainerNode() ? v.toString() : v.asText();
      }
    } catch (RuntimeException e) {
      throw new BadRecordException(
          "sink",
          "field "
              + c.name()
              + ": "
              + v.getNodeType().name().toLowerCase()
              + " value does not fit column type "
              + c.typeName());
    }
  }

  @Override
  public void commit(RunSummary summary) throws SQLException {
    flush();
    conn.commit();
    LOG.info("committed {} rows into {}", written, spec.table());
  }

  @Override
  public void abort() {
    try {
      if (conn != null && !conn.isClosed()) {
        conn.rollback();
      }
    } catch (SQLException e) {
      LOG.warn("rollback of {} failed: {}", spec.table(), e.toString());
    }
  }

  @Override
  public long written() {
    return written;
  }

  @Override
  public void close() throws SQLException {
    if (conn != null) {
      conn.close();
    }
  }
}

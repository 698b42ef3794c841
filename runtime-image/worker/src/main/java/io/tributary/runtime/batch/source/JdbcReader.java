package io.tributary.runtime.batch.source;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.source.JdbcSource;
import io.tributary.runtime.batch.Lane;
import io.tributary.runtime.batch.RecordSource;
import io.tributary.runtime.batch.RunFailure;
import io.tributary.runtime.batch.SecretFiles;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads rows over JDBC, streamed with the fetch size (autocommit off, forward-only cursor, so a 10
 * M-row table never sits in memory), optionally split into range partitions read in parallel and
 * optionally incremental above a high watermark.
 *
 * <p>Incremental reads fix their upper bound first ({@code max(column)} above the last watermark)
 * and read {@code watermark < column <= upper}; the upper bound becomes the new watermark, reported
 * in the run summary. Rows committed while the run reads are picked up by the next run. Rows with a
 * NULL watermark column are read by a full read only (see {@link #bindIncremental}).
 */
public final class JdbcReader implements RecordSource {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcReader.class);
  private static final int BATCH = 512;
  private static final Object DONE = new Object();

  private final JdbcSource spec;
  private final Properties credentials = new Properties();
  private final String lastWatermark;
  private final Part part;

  /** Part {@code index} (0-based) of a run split into {@code of} parts. */
  public record Part(int index, int of) {}

  private String newWatermark;
  private long nullRows;

  /**
   * @param lastWatermark the watermark of the last successful run (from the plan), or null
   */
  public JdbcReader(JdbcSource spec, SecretFiles secrets, String lastWatermark) {
    this(spec, secrets, lastWatermark, null);
  }

  /**
   * A reader of one part of a run split into parts: the rows whose partitionColumn, an integer
   * column, is {@code part.index()} modulo {@code part.of()} (rows where it is NULL go to part 0).
   * The share depends on the row alone, not on bounds read at different times by different pods, so
   * the parts never overlap.
   *
   * @param part which part, or null to read every row
   */
  public JdbcReader(JdbcSource spec, SecretFiles secrets, String lastWatermark, Part part) {
    this.spec = spec;
    this.part = part;
    this.lastWatermark = lastWatermark;
    String user = secrets.read(spec.userSecretRef(), "source.jdbc.userSecretRef");
    String password = secrets.read(spec.passwordSecretRef(), "source.jdbc.passwordSecretRef");
    if (user != null) credentials.setProperty("user", user);
    if (password != null) credentials.setProperty("password", password);
    if (spec.url().startsWith("jdbc:postgresql:")) {
      // Lets connectToRead switch a SQL_ASCII database's connection to unconverted bytes.
      credentials.setProperty("allowEncodingChanges", "true");
    }
  }

  private Connection connect() throws SQLException {
    Connection c = DriverManager.getConnection(spec.url(), credentials);
    c.setAutoCommit(false); // PostgreSQL streams with a cursor only inside a transaction
    c.setReadOnly(true);
    return c;
  }

  /**
   * A connection to read rows on, and whether its text columns arrive as the server's own bytes. A
   * PostgreSQL database in {@code SQL_ASCII} stores bytes unchecked, and the server refuses to send
   * a UTF-8 client a row whose text is not UTF-8 — the query fails there, with every row after it.
   * Such a connection asks for the bytes unconverted instead ({@code client_encoding SQL_ASCII}),
   * and the reader decodes them as strict UTF-8 column by column, so one bad row is one dead
   * letter.
   */
  private Reading connectToRead() throws SQLException {
    Connection c = connect();
    boolean rawText = false;
    if (c.isWrapperFor(PGConnection.class)) {
      String encoding = c.unwrap(PGConnection.class).getParameterStatus("server_encoding");
      if ("SQL_ASCII".equalsIgnoreCase(encoding)) {
        try (Statement s = c.createStatement()) {
          s.execute("SET client_encoding TO 'SQL_ASCII'");
        }
        rawText = true;
      }
    }
    return new Reading(c, rawText);
  }

  private record Reading(Connection connection, boolean rawText) implements AutoCloseable {
    @Override
    public void close() throws SQLException {
      connection.close();
    }
  }

  private String from() {
    return spec.table() != null ? spec.table() : "(" + spec.query() + ") tributary_src";
  }

  private int fetchSize() {
    return spec.fetchSize();
  }

  /** A query with its bind values. */
  record Query(String sql, List<Object> params) {}

  @Override
  public void read(Handler out) throws Exception {
    List<String> where = new ArrayList<>();
    List<Object> params = new ArrayList<>();
    List<Query> queries;
    try (Connection c = connect()) {
      if (spec.incremental() != null && !bindIncremental(c, where, params)) {
        LOG.info("no rows above watermark {}: nothing to read", newWatermark);
        return;
      }
      if (part != null) bindPart(c, where, params);
      queries = plan(c, where, params);
      c.commit();
    }
    if (queries.size() == 1) {
      try (Reading c = connectToRead()) {
        stream(c, queries.get(0), "row ", batch -> handOver(batch, out), new AtomicBoolean());
      }
    } else {
      readParallel(queries, out);
    }
  }

  /**
   * Adds the watermark bounds; false when there is nothing to read.
   *
   * <p>A row whose incremental column is NULL has no place relative to a watermark. A full read (no
   * watermark and no initialValue) reads it; a read above a watermark cannot without reading it
   * again every run, so such rows are counted and reported in the run summary instead.
   */
  private boolean bindIncremental(Connection c, List<String> where, List<Object> params)
      throws SQLException {
    String col = spec.incremental().column();
    JdbcValues.Kind kind = kindOf(c, col);
    String start = lastWatermark != null ? lastWatermark : spec.incremental().initialValue();
    Object lo = start == null ? null : JdbcValues.param(start, kind, col);
    String sql =
        "SELECT max(" + col + ") FROM " + from() + (lo == null ? "" : " WHERE " + col + " > ?");
    String hi;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (lo != null) ps.setObject(1, lo);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        hi = JdbcValues.text(rs, 1, kind);
      }
    }
    newWatermark = hi != null ? hi : start;
    if (lo != null) {
      countNulls(c, col);
      if (hi == null) {
        return false;
      }
      where.add(col + " > ?");
      params.add(lo);
      where.add(col + " <= ?");
      params.add(JdbcValues.param(hi, kind, col));
    } else if (hi == null) {
      where.add(col + " IS NULL"); // a full read of a table whose column is NULL everywhere
    } else {
      where.add("(" + col + " <= ? OR " + col + " IS NULL)");
      params.add(JdbcValues.param(hi, kind, col));
    }
    LOG.info("incremental read of {} in ({}, {}]", col, start == null ? "-inf" : start, hi);
    return true;
  }

  private void countNulls(Connection c, String col) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("SELECT count(*) FROM " + from() + " WHERE " + col + " IS NULL");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      nullRows = rs.getLong(1);
    }
    if (nullRows > 0) {
      LOG.warn(
          "{} rows have NULL in the incremental column {}; only a full read reads them",
          nullRows,
          col);
    }
  }

  @Override
  public String notice() {
    if (nullRows == 0) {
      return null;
    }
    return nullRows
        + (nullRows == 1 ? " row has" : " rows have")
        + " NULL in the incremental column "
        + spec.incremental().column()
        + (nullRows == 1 ? " and was" : " and were")
        + " not read: only a full read (no watermark, no initialValue) reads them";
  }

  /** Adds this part's share of the rows; refuses a partition column that is not an integer. */
  private void bindPart(Connection c, List<String> where, List<Object> params) throws SQLException {
    String pc = spec.partitionColumn();
    if (pc == null) {
      throw new RunFailure(
          ExitCodes.INVALID_PLAN,
          "source.jdbc.partitionColumn: a run split across pods (compute.parallelism) needs it");
    }
    JdbcValues.Kind kind = kindOf(c, pc);
    if (kind != JdbcValues.Kind.INTEGER) {
      throw RunFailure.permanent(
          "source.jdbc.partitionColumn: "
              + pc
              + " is "
              + kind
              + ", not an integer column; a run split across pods (compute.parallelism) gives"
              + " each pod the rows whose partitionColumn mod parallelism is its index: name an"
              + " integer column, or remove compute.parallelism",
          null);
    }
    // mod of a negative value is negative in SQL; the second mod folds it into [0, of).
    String share = "mod(mod(" + pc + ", ?) + ?, ?) = ?";
    where.add(part.index() == 0 ? "(" + share + " OR " + pc + " IS NULL)" : share);
    params.add((long) part.of());
    params.add((long) part.of());
    params.add((long) part.of());
    params.add((long) part.index());
    LOG.info(
        "reading part {} of {}: {} mod {} = {}",
        part.index(),
        part.of(),
        pc,
        part.of(),
        part.index());
  }

  /** One query, or one per range of the partition column. */
  private List<Query> plan(Connection c, List<String> where, List<Object> params)
      throws SQLException {
    int n = spec.partitions();
    String base = "SELECT * FROM " + from();
    if (n <= 1) {
      return List.of(new Query(base + whereClause(where), params));
    }
    String pc = spec.partitionColumn();
    JdbcValues.Kind kind = kindOf(c, pc);
    Object min;
    Object max;
    String sql = "SELECT min(" + pc + "), max(" + pc + ") FROM " + from() + whereClause(where);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        String minText = JdbcValues.text(rs, 1, kind);
        String maxText = JdbcValues.text(rs, 2, kind);
        if (minText == null) {
          return List.of(new Query(base + whereClause(where), params));
        }
        min = JdbcValues.param(minText, kind, pc);
        max = JdbcValues.param(maxText, kind, pc);
      }
    }
    List<Query> out = new ArrayList<>();
    List<JdbcRanges.Range> ranges =
        JdbcRanges.split(JdbcValues.toLong(min, kind), JdbcValues.toLong(max, kind), n);
    for (int i = 0; i < ranges.size(); i++) {
      JdbcRanges.Range r = ranges.get(i);
      String range = pc + " >= ? AND " + pc + (r.last() ? " <= ?" : " < ?");
      if (i == 0) {
        range = "(" + range + " OR " + pc + " IS NULL)";
      }
      List<String> w = new ArrayList<>(where);
      w.add(range);
      List<Object> p = new ArrayList<>(params);
      p.add(i == 0 ? min : JdbcValues.fromLong(r.lo(), kind));
      p.add(r.last() ? max : JdbcValues.fromLong(r.hi(), kind));
      out.add(new Query(base + whereClause(w), p));
    }
    LOG.info("reading {} in {} partitions on {}", from(), out.size(), pc);
    return out;
  }

  private JdbcValues.Kind kindOf(Connection c, String column) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("SELECT " + column + " FROM " + from() + " WHERE 1=0");
        ResultSet rs = ps.executeQuery()) {
      var md = rs.getMetaData();
      return JdbcValues.Kind.of(md.getColumnType(1), md.getColumnTypeName(1));
    }
  }

  private static String whereClause(List<String> where) {
    return where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
  }

  private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      ps.setObject(i + 1, params.get(i));
    }
  }

  @FunctionalInterface
  private interface Batches {
    /** Records ({@link ObjectNode}) and rows that are not ({@link JdbcRows.Undecodable}). */
    void accept(List<Object> batch) throws Exception;
  }

  private static void handOver(List<Object> batch, Handler out) throws Exception {
    for (Object r : batch) {
      if (r instanceof ObjectNode o) {
        out.accept(o);
      } else {
        JdbcRows.Undecodable u = (JdbcRows.Undecodable) r;
        out.reject(u.reason(), u.raw());
      }
    }
  }

  /**
   * @param position what a dead letter's reason starts with, before the row's number in this query
   */
  private void stream(Reading c, Query q, String position, Batches out, AtomicBoolean stop)
      throws Exception {
    try (PreparedStatement ps =
        c.connection()
            .prepareStatement(q.sql(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
      ps.setFetchSize(fetchSize());
      bind(ps, q.params());
      try (ResultSet rs = ps.executeQuery()) {
        JdbcRows rows = new JdbcRows(rs.getMetaData(), c.rawText());
        List<Object> batch = new ArrayList<>(BATCH);
        long n = 0;
        while (!stop.get() && rs.next()) {
          n++;
          batch.add(rows.read(rs, position + n));
          if (batch.size() == BATCH) {
            out.accept(batch);
            batch = new ArrayList<>(BATCH);
          }
        }
        if (!batch.isEmpty()) {
          out.accept(batch);
        }
      }
      c.connection().commit();
    }
  }

  /**
   * Each partition reads and converts rows on its own thread and connection; the records are handed
   * over in batches through a bounded queue, so memory stays bounded and {@code out} runs on the
   * calling thread only.
   */
  private void readParallel(List<Query> queries, Handler out) throws Exception {
    BlockingQueue<Object> queue = new ArrayBlockingQueue<>(4 * queries.size());
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(queries.size());
    try {
      for (int i = 0; i < queries.size(); i++) {
        Query q = queries.get(i);
        String position = "partition " + (i + 1) + " of " + queries.size() + ", row ";
        Lane lane = out.lane(); // the chain runs on the reading thread too, when it can
        Batches toQueue =
            lane == null
                ? queue::put
                : rows -> {
                  Lane.Batch b = new Lane.Batch();
                  for (Object r : rows) {
                    if (r instanceof ObjectNode o) {
                      lane.process(o, b);
                    } else {
                      JdbcRows.Undecodable u = (JdbcRows.Undecodable) r;
                      b.unreadable(u.reason(), u.raw());
                    }
                  }
                  queue.put(b);
                };
        pool.execute(
            () -> {
              Object last = DONE;
              try (Reading c = connectToRead()) {
                stream(c, q, position, toQueue, stop);
              } catch (Throwable e) {
                last = e;
              }
              try {
                queue.put(last);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
      }
      int done = 0;
      while (done < queries.size()) {
        Object item = queue.take();
        if (item == DONE) {
          done++;
        } else if (item instanceof Throwable t) {
          throw t instanceof Exception e ? e : new RuntimeException(t);
        } else if (item instanceof Lane.Batch b) {
          out.acceptProcessed(b);
        } else {
          @SuppressWarnings("unchecked")
          List<Object> batch = (List<Object>) item;
          handOver(batch, out);
        }
      }
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
  }

  @Override
  public String watermark() {
    return spec.incremental() == null ? null : newWatermark;
  }
}

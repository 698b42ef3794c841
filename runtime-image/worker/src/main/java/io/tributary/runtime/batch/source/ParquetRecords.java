package io.tributary.runtime.batch.source;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.runtime.transform.RecordJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/** Reads a local Parquet file as JSON records (through a {@link LocalInputFile}, no Hadoop FS). */
public final class ParquetRecords {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ParquetRecords() {}

  /** Receives rows. */
  @FunctionalInterface
  public interface Rows {
    void accept(ObjectNode row) throws Exception;

    /**
     * A row that is not a record (a NaN or infinite DOUBLE or FLOAT); {@code reason} names the
     * row's number in the file and the field, {@code raw} is the row as text. By default it fails
     * the read.
     */
    default void reject(String reason, String raw) throws Exception {
      throw new IllegalStateException(reason);
    }
  }

  /** Calls {@code out} with each row of {@code file} as a JSON object. */
  public static void read(Path file, Rows out) throws Exception {
    // The low-level reader: ParquetReader would drag in Hadoop's mapreduce input formats.
    ParquetReadOptions options =
        ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file), options)) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      MessageColumnIO io = new ColumnIOFactory().getColumnIO(schema);
      PageReadStore rowGroup;
      long row = 0;
      while ((rowGroup = reader.readNextRowGroup()) != null) {
        RecordReader<Group> rows = io.getRecordReader(rowGroup, new GroupRecordConverter(schema));
        for (long i = 0, n = rowGroup.getRowCount(); i < n; i++) {
          row++;
          Group g = rows.read();
          ObjectNode o;
          try {
            o = toJson(g);
          } catch (NotFinite e) {
            out.reject("row " + row + ": field " + e.getMessage(), g.toString());
            continue;
          }
          out.accept(o);
        }
      }
    }
  }

  /** A value with no JSON form; the message is the field's name and why. */
  private static final class NotFinite extends Exception {
    NotFinite(String reason) {
      super(reason, null, false, false);
    }
  }

  static ObjectNode toJson(Group g) throws NotFinite {
    GroupType type = g.getType();
    ObjectNode o = NODES.objectNode();
    for (int i = 0; i < type.getFieldCount(); i++) {
      Type f = type.getType(i);
      int n = g.getFieldRepetitionCount(i);
      if (f.isRepetition(Type.Repetition.REPEATED)) {
        ArrayNode arr = o.putArray(f.getName());
        for (int j = 0; j < n; j++) {
          value(arr, g, i, j, f);
        }
      } else if (n == 0) {
        o.putNull(f.getName());
      } else {
        ArrayNode one = NODES.arrayNode();
        value(one, g, i, 0, f);
        o.set(f.getName(), one.get(0));
      }
    }
    return o;
  }

  private static void value(ArrayNode into, Group g, int field, int index, Type f)
      throws NotFinite {
    if (!f.isPrimitive()) {
      into.add(toJson(g.getGroup(field, index)));
      return;
    }
    PrimitiveType p = f.asPrimitiveType();
    LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
    // A DECIMAL holds its unscaled digits in any of four physical types: read as they are, 12.34
    // would arrive as 1234 (or as base64 bytes).
    if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
      into.add(decimal(g, field, index, p, d.getScale()));
      return;
    }
    switch (p.getPrimitiveTypeName()) {
      case INT32 -> {
        int v = g.getInteger(field, index);
        // A DATE counts days since 1970-01-01; the record says the date, as the jdbc source does.
        if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
          into.add(LocalDate.ofEpochDay(v).toString());
        } else {
          into.add(v);
        }
      }
      case INT64 -> {
        long v = g.getLong(field, index);
        if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts) {
          into.add(timestamp(v, ts.getUnit()).toString());
        } else {
          into.add(v);
        }
      }
      case DOUBLE -> into.add(finite(f, g.getDouble(field, index)));
      case FLOAT -> into.add(finite(f, g.getFloat(field, index)));
      case BOOLEAN -> into.add(g.getBoolean(field, index));
      case BINARY, FIXED_LEN_BYTE_ARRAY -> {
        if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation
            || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation) {
          into.add(g.getString(field, index));
        } else {
          into.add(Base64.getEncoder().encodeToString(g.getBinary(field, index).getBytes()));
        }
      }
      default -> into.add(g.getValueToString(field, index));
    }
  }

  private static BigDecimal decimal(Group g, int field, int index, PrimitiveType p, int scale) {
    BigInteger unscaled =
        switch (p.getPrimitiveTypeName()) {
          case INT32 -> BigInteger.valueOf(g.getInteger(field, index));
          case INT64 -> BigInteger.valueOf(g.getLong(field, index));
          // Big-endian two's complement, as the Parquet format specifies for DECIMAL bytes.
          default -> new BigInteger(g.getBinary(field, index).getBytes());
        };
    return new BigDecimal(unscaled, scale);
  }

  /** Parquet floats may hold NaN and Infinity, which JSON cannot (see RecordJson.refusal). */
  private static double finite(Type f, double v) throws NotFinite {
    String refused = RecordJson.refusal(v);
    if (refused != null) {
      throw new NotFinite(f.getName() + ": " + refused);
    }
    return v;
  }

  private static Instant timestamp(long v, LogicalTypeAnnotation.TimeUnit unit) {
    return switch (unit) {
      case MILLIS -> Instant.ofEpochMilli(v);
      case MICROS ->
          Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1000);
      case NANOS ->
          Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000_000L), Math.floorMod(v, 1_000_000_000L));
    };
  }
}

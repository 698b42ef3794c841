package io.tributary.runtime.batch.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet's logical types become the values they stand for, not their physical encoding. */
class ParquetRecordsTest {
  @TempDir Path dir;

  @Test
  void decimalsKeepTheirScaleInEveryPhysicalType() throws Exception {
    MessageType schema =
        Types.buildMessage()
            .required(PrimitiveTypeName.INT32)
            .as(LogicalTypeAnnotation.decimalType(2, 9))
            .named("price")
            .required(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.decimalType(3, 18))
            .named("weight")
            .required(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY)
            .length(16)
            .as(LogicalTypeAnnotation.decimalType(4, 38))
            .named("balance")
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.decimalType(1, 20))
            .named("delta")
            .required(PrimitiveTypeName.INT32)
            .as(LogicalTypeAnnotation.dateType())
            .named("day")
            .named("row");
    Group g = new SimpleGroupFactory(schema).newGroup();
    g.add("price", 1234);
    g.add("weight", -5L);
    g.add("balance", Binary.fromConstantByteArray(fixed(new BigDecimal("-12345678901234.5678"))));
    g.add(
        "delta",
        Binary.fromConstantByteArray(
            new BigDecimal("-0.5").unscaledValue().toByteArray())); // one byte: 0xFB
    g.add("day", 19_723); // 2024-01-01
    Path file = dir.resolve("in.parquet");
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(new LocalOutputFile(file))
            .withConf(new PlainParquetConfiguration())
            .withType(schema)
            .build()) {
      w.write(g);
    }

    List<ObjectNode> rows = new ArrayList<>();
    ParquetRecords.read(file, rows::add);

    assertThat(rows).hasSize(1);
    ObjectNode row = rows.get(0);
    assertThat(row.get("price").decimalValue()).isEqualTo(new BigDecimal("12.34"));
    assertThat(row.get("weight").decimalValue()).isEqualTo(new BigDecimal("-0.005"));
    assertThat(row.get("balance").decimalValue()).isEqualTo(new BigDecimal("-12345678901234.5678"));
    assertThat(row.get("delta").decimalValue()).isEqualTo(new BigDecimal("-0.5"));
    assertThat(row.get("day").asText()).isEqualTo("2024-01-01");
  }

  /** Sign-extended to 16 bytes, as a FIXED_LEN_BYTE_ARRAY(16) decimal is written. */
  private static byte[] fixed(BigDecimal d) {
    byte[] unscaled = d.unscaledValue().toByteArray();
    byte[] out = new byte[16];
    byte fill = (byte) (d.signum() < 0 ? 0xFF : 0x00);
    java.util.Arrays.fill(out, 0, 16 - unscaled.length, fill);
    System.arraycopy(unscaled, 0, out, 16 - unscaled.length, unscaled.length);
    return out;
  }
}

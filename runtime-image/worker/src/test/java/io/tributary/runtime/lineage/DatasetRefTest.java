package io.tributary.runtime.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.sink.IcebergTable;
import io.tributary.pipeline.sink.LakeSink;
import org.junit.jupiter.api.Test;

class DatasetRefTest {
  @Test
  void anIcebergTableIsNamedByItsLocationInTheWarehouse() {
    IcebergTable table =
        new IcebergTable(
            "sales.eu.orders", IcebergTable.Catalog.of("jdbc:postgresql://catalog:5432/iceberg"));

    assertThat(DatasetRef.output(SinkSpec.of(LakeSink.iceberg("/lake/warehouse/", table, null))))
        .isEqualTo(new DatasetRef("file", "/lake/warehouse/sales/eu/orders"));
    assertThat(DatasetRef.output(SinkSpec.of(new LakeSink("/lake/out", FileFormat.PARQUET, null))))
        .isEqualTo(new DatasetRef("file", "/lake/out"));
  }
}

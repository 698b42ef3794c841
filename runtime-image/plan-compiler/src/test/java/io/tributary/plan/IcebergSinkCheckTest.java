package io.tributary.plan;

import static io.tributary.plan.Specs.schema;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.ObjectStore;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.IcebergTable;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.pipeline.source.FilesSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the plan compiler refuses in a lake sink of format iceberg, before any run. */
class IcebergSinkCheckTest {
  private static final SourceSpec FILES =
      SourceSpec.of(new FilesSource("/data/*.jsonl", FileFormat.JSONL, null));
  private static final SchemaSpec ORDERS = schema("id:integer", "country:string", "amount:number");
  private static final IcebergTable TABLE =
      new IcebergTable(
          "analytics.orders", IcebergTable.Catalog.of("jdbc:postgresql://catalog:5432/iceberg"));

  static SinkSpec iceberg(String path, IcebergTable table, String... partitionBy) {
    return SinkSpec.of(
        LakeSink.iceberg(path, table, partitionBy.length == 0 ? null : List.of(partitionBy)));
  }

  static List<String> problems(SinkSpec sink, SchemaSpec schema) {
    return PlanCheck.check(FILES, List.of(), sink, schema).stream()
        .map(PlanProblem::toString)
        .toList();
  }

  @Test
  void aTableWithItsColumnsInSpecSchemaAndKnownPartitionColumnsHasNoProblems() {
    assertThat(problems(iceberg("/lake/warehouse", TABLE, "country"), ORDERS)).isEmpty();
    assertThat(
            problems(
                iceberg(
                    "/lake/warehouse",
                    new IcebergTable("a.b.orders", TABLE.catalog()),
                    "country",
                    "id"),
                ORDERS))
        .isEmpty();
  }

  @Test
  void aPartitionColumnOutsideSpecSchemaIsRefusedNamingTheColumns() {
    assertThat(problems(iceberg("/lake/warehouse", TABLE, "country", "region", "country"), ORDERS))
        .containsExactly(
            "sink.lake.partitionBy[1]: 'region' is not a field at the sink (a step drops it, or it"
                + " is not in spec.schema); an Iceberg table partitions by its own columns (id,"
                + " country, amount)",
            "sink.lake.partitionBy[2]: 'country' is listed twice");
  }

  @Test
  void theColumnsComeFromSpecSchemaFields() {
    assertThat(problems(iceberg("/lake/warehouse", TABLE), null))
        .containsExactly(
            "schema.fields: sink.lake format iceberg takes the table's columns from the fields"
                + " reaching the sink: list spec.schema.fields");
    assertThat(
            problems(
                iceberg("/lake/warehouse", TABLE), new SchemaSpec(null, "{\"type\": \"object\"}")))
        .containsExactly(
            "schema.fields: sink.lake format iceberg takes the table's columns from the fields"
                + " reaching the sink: list spec.schema.fields");
  }

  @Test
  void theIcebergBlockGoesWithFormatIcebergOnly() {
    assertThat(problems(iceberg("/lake/warehouse", null), ORDERS))
        .containsExactly(
            "sink.lake.iceberg: format iceberg needs iceberg: the table (namespace.table) and its"
                + " catalog (url)");
    SinkSpec parquetWithTable =
        SinkSpec.of(new LakeSink("/lake/out", FileFormat.PARQUET, null, null, TABLE, null, null));
    assertThat(problems(parquetWithTable, ORDERS))
        .containsExactly(
            "sink.lake.iceberg: only for format iceberg; remove it or set format: iceberg");
  }

  @Test
  void theTableIsNamespaceDotTableAndTheCatalogIsPostgres() {
    IcebergTable bad =
        new IcebergTable("orders", IcebergTable.Catalog.of("jdbc:mysql://catalog/iceberg"));
    assertThat(problems(iceberg("/lake/warehouse", bad), ORDERS))
        .containsExactly(
            "sink.lake.iceberg.table: 'orders' is not namespace.table, e.g."
                + " analytics.customer_features (letters, digits, _)",
            "sink.lake.iceberg.catalog.url: the Iceberg catalog is a PostgreSQL database:"
                + " jdbc:postgresql://host:5432/db");
  }

  static final ObjectStore STORE =
      ObjectStore.at(
          "http://seaweedfs:8333",
          new SecretKeyRef("s3", "access-key-id"),
          new SecretKeyRef("s3", "secret-access-key"));

  @Test
  void anS3WarehouseNeedsItsStoreAndOtherObjectStoresAreRefused() {
    SinkSpec onS3 = iceberg("s3://bucket/warehouse", TABLE);
    assertThat(problems(SinkSpec.of(onS3.lake().withS3(STORE)), ORDERS)).isEmpty();
    assertThat(problems(onS3, ORDERS))
        .containsExactly(
            "sink.lake.s3: set it exactly when path is s3://bucket/prefix (the store's endpoint,"
                + " region and credentials)");
    assertThat(problems(SinkSpec.of(new LakeSink("gs://b/x", FileFormat.PARQUET, null)), null))
        .containsExactly(
            "sink.lake.path: use s3://bucket/prefix (with sink.lake.s3) or a path on a mounted"
                + " volume; other object stores (gs://) are not supported");
    assertThat(
            problems(
                SinkSpec.of(new LakeSink("s3://B_/x", FileFormat.PARQUET, null).withS3(STORE)),
                null))
        .containsExactly(
            "sink.lake.path: s3://bucket/prefix with a valid bucket name (3-63 lower-case"
                + " letters, digits, dots or hyphens)");
    assertThat(
            problems(
                SinkSpec.of(new LakeSink("/lake/x", FileFormat.PARQUET, null).withS3(STORE)), null))
        .containsExactly(
            "sink.lake.s3: set it exactly when path is s3://bucket/prefix (the store's endpoint,"
                + " region and credentials)");
  }

  @Test
  void filesOnS3NeedTheirStore() {
    SourceSpec files =
        SourceSpec.of(new FilesSource("s3://raw/events/*.jsonl", FileFormat.JSONL, null));
    assertThat(PlanCheck.check(files, List.of(), null, null))
        .extracting(PlanProblem::toString)
        .containsExactly(
            "source.files.s3: set it exactly when path is s3://bucket/prefix (the store's"
                + " endpoint, region and credentials)");
    assertThat(PlanCheck.check(SourceSpec.of(files.files().withS3(STORE)), List.of(), null, null))
        .isEmpty();
  }

  @Test
  void icebergIsNotAFilesSourceFormat() {
    SourceSpec files = SourceSpec.of(new FilesSource("/lake/warehouse", FileFormat.ICEBERG, null));
    assertThat(PlanCheck.check(files, List.of(), iceberg("/lake/out", TABLE), ORDERS))
        .extracting(PlanProblem::toString)
        .containsExactly(
            "source.files.format: use csv, jsonl or parquet (iceberg is a lake sink format only)");
  }

  @Test
  void theCompiledPlanNamesTheCatalogAndTheWorkerMountsItsSecrets() {
    IcebergTable withSecrets =
        new IcebergTable(
            "analytics.orders",
            TABLE
                .catalog()
                .withUserSecretRef(new io.tributary.pipeline.SecretKeyRef("catalog-db", "user"))
                .withPasswordSecretRef(
                    new io.tributary.pipeline.SecretKeyRef("catalog-db", "password")));
    PlanCompiler.Result r =
        PlanCompiler.compile(
            PipelineDefinition.batch()
                .source(FILES)
                .sink(iceberg("/lake/warehouse", withSecrets, "country"))
                .schema(ORDERS)
                .build(),
            PlanContext.of("team-a", "orders", "uid-1").withRun("run-1", 1, null));

    assertThat(r.problems()).isEmpty();
    WorkerPlan plan = r.plan();
    assertThat(plan.sink().lake().iceberg().catalog().name()).isEqualTo("tributary");
    assertThat(plan.deadLetter().path()).isEqualTo("/lake/warehouse/_rejected");
    assertThat(
            io.tributary.pipeline.SecretRefs.collect(plan.source(), plan.transforms(), plan.sink()))
        .extracting(io.tributary.pipeline.SecretKeyRef::key)
        .containsExactly("password", "user");
  }
}

package io.tributary.runtime.batch;

import static io.tributary.runtime.batch.BatchPlans.field;
import static io.tributary.runtime.batch.BatchPlans.files;
import static io.tributary.runtime.batch.BatchPlans.lake;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SchemaSpec.Type;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.sink.FeatureStoreSink;
import io.tributary.pipeline.sink.IcebergTable;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.pipeline.transform.AggregateTransform;
import io.tributary.pipeline.transform.AggregateTransform.Aggregation;
import io.tributary.pipeline.transform.AggregateTransform.Function;
import io.tributary.pipeline.transform.DeriveTransform;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.pipeline.transform.MaskTransform.Method;
import io.tributary.pipeline.transform.ValidateTransform;
import io.tributary.runtime.batch.source.ParquetRecords;
import io.tributary.runtime.testing.Postgres;
import io.tributary.runtime.testing.PyIceberg;
import io.tributary.runtime.testing.Redis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Fields the steps add reach the lake and the feature store with their own types, and fields the
 * steps remove are not demanded (issues #9, #12): the two sample chains, customer-features (derive,
 * mask, Parquet partitioned by country) then customer-features-online (the Parquet files, their
 * partition directories read back, into Redis), and card-spend-daily (an aggregate into an Iceberg
 * table, read back by PyIceberg). Real PostgreSQL (the Iceberg catalog) and Redis.
 */
class SinkSchemaIT {
  @TempDir Path dir;

  static final SchemaSpec CUSTOMERS =
      new SchemaSpec(
          List.of(
              field("customer_id", Type.INTEGER).asRequired(),
              field("email", Type.STRING).asRequired().asPii(),
              field("phone", Type.STRING).asPii(),
              field("birth_date", Type.TIMESTAMP).asPii(),
              field("country", Type.STRING).asRequired(),
              field("lifetime_value", Type.NUMBER).asRequired(),
              field("orders_12m", Type.INTEGER).asRequired()),
          null);

  @Test
  void derivedAndGeneralizedFieldsLandInParquetAndReachRedisThroughThePartitionDirectories()
      throws Exception {
    Path secrets = dir.resolve("secrets");
    Files.createDirectories(secrets.resolve("mask-key"));
    Files.writeString(secrets.resolve("mask-key/key"), "k3y\n");
    Path in = dir.resolve("in/customers.jsonl");
    Files.createDirectories(in.getParent());
    Files.write(
        in,
        List.of(
            "{\"customer_id\":1,\"email\":\"a@x.ae\",\"phone\":\"+971500000001\","
                + "\"birth_date\":\"1990-04-02T00:00:00Z\",\"country\":\"AE\","
                + "\"lifetime_value\":12000.0,\"orders_12m\":4}",
            "{\"customer_id\":2,\"email\":\"b@x.sa\",\"phone\":null,"
                + "\"birth_date\":\"1985-12-31T23:00:00Z\",\"country\":\"SA\","
                + "\"lifetime_value\":300.5,\"orders_12m\":0}"));
    BatchPlans curated = new BatchPlans();
    curated.secretsDir = secrets.toString();
    curated.source = files(in, FileFormat.JSONL);
    curated.schema = CUSTOMERS;
    curated.transforms =
        List.of(
            TransformSpec.of(new ValidateTransform(null)),
            TransformSpec.of(
                new DeriveTransform(
                    List.of(
                        new DeriveTransform.Field(
                            "avg_order_value",
                            "orders_12m > 0 ? lifetime_value / double(orders_12m) : 0.0"),
                        new DeriveTransform.Field("is_high_value", "lifetime_value >= 10000.0")))),
            TransformSpec.of(
                new MaskTransform(
                    new SecretKeyRef("mask-key", "key"),
                    List.of(
                        MaskTransform.Field.of("email", Method.HMAC),
                        MaskTransform.Field.of("phone", Method.DROP),
                        // A timestamp field generalized to its year: a string column at the sink.
                        MaskTransform.Field.of("birth_date", Method.GENERALIZE)
                            .withGeneralize(MaskTransform.Generalize.YEAR)))));
    Path lakeDir = dir.resolve("lake/customer_features");
    curated.sink = lake(lakeDir, FileFormat.PARQUET, "country");

    BatchPlans.Outcome o = curated.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().recordsWritten()).isEqualTo(2);
    Path ae =
        BatchPlans.dataFiles(lakeDir).stream()
            .filter(p -> p.toString().contains("country=AE"))
            .findFirst()
            .orElseThrow();
    List<ObjectNode> rows = new ArrayList<>();
    ParquetRecords.read(ae, rows::add);
    ObjectNode one = rows.get(0);
    assertThat(one.get("avg_order_value").isDouble()).isTrue();
    assertThat(one.get("avg_order_value").asDouble()).isEqualTo(3000.0);
    assertThat(one.get("is_high_value").isBoolean()).isTrue();
    assertThat(one.get("is_high_value").asBoolean()).isTrue();
    assertThat(one.get("birth_date").asText()).isEqualTo("1990");
    assertThat(one.get("email").asText()).matches("[0-9a-f]{64}");
    assertThat(one.has("phone")).isFalse();
    // The partition column lives in the directory name only, as Hive lays it out.
    assertThat(one.has("country")).isFalse();

    Redis redis = Redis.shared();
    BatchPlans online = new BatchPlans();
    online.runId = "run-2";
    online.source = files(Path.of(lakeDir + "/**/*.parquet"), FileFormat.PARQUET);
    online.schema =
        new SchemaSpec(
            List.of(
                field("customer_id", Type.INTEGER).asRequired(),
                field("country", Type.STRING).asRequired(),
                field("lifetime_value", Type.NUMBER),
                field("orders_12m", Type.INTEGER),
                field("avg_order_value", Type.NUMBER),
                field("is_high_value", Type.BOOLEAN)),
            null);
    online.transforms = List.of(TransformSpec.of(new ValidateTransform(null)));
    online.sink =
        SinkSpec.of(
            new FeatureStoreSink(
                redis.address(),
                null,
                4,
                "sinkschema_customer_features",
                List.of("customer_id"),
                List.of(
                    "lifetime_value", "orders_12m", "avg_order_value", "is_high_value", "country"),
                null));

    BatchPlans.Outcome loaded = online.run(dir);

    assertThat(loaded.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(loaded.summary().recordsWritten()).isEqualTo(2);
    assertThat(loaded.summary().recordsRejected()).isZero();
    try (Jedis j = new Jedis("127.0.0.1", redis.port())) {
      j.select(4);
      assertThat(j.hgetAll("sinkschema_customer_features:1"))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  "lifetime_value", "12000.0",
                  "orders_12m", "4",
                  "avg_order_value", "3000.0",
                  "is_high_value", "true",
                  "country", "AE"));
      assertThat(j.hgetAll("sinkschema_customer_features:2"))
          .containsEntry("avg_order_value", "0.0")
          .containsEntry("is_high_value", "false")
          .containsEntry("country", "SA");
    }
  }

  @Test
  void aFeatureStoreWithoutAFeatureListWritesEveryFieldAtTheSinkDerivedOnesIncluded()
      throws Exception {
    Path in = dir.resolve("in/customers.jsonl");
    Files.createDirectories(in.getParent());
    Files.write(
        in,
        List.of(
            "{\"customer_id\":7,\"email\":\"c@x.ae\",\"country\":\"AE\",\"lifetime_value\":50.0,"
                + "\"orders_12m\":2,\"stray\":\"not in the schema\"}"));
    Redis redis = Redis.shared();
    BatchPlans p = new BatchPlans();
    p.source = files(in, FileFormat.JSONL);
    p.schema = CUSTOMERS;
    p.transforms =
        List.of(
            TransformSpec.of(
                new DeriveTransform(
                    List.of(
                        new DeriveTransform.Field(
                            "avg_order_value", "lifetime_value / double(orders_12m)")))),
            TransformSpec.of(
                new MaskTransform(
                    null,
                    List.of(
                        MaskTransform.Field.of("email", Method.DROP),
                        MaskTransform.Field.of("phone", Method.DROP),
                        MaskTransform.Field.of("birth_date", Method.DROP)))));
    p.sink =
        SinkSpec.of(
            new FeatureStoreSink(
                redis.address(), null, 4, "sinkschema_all", List.of("customer_id"), null, null));

    assertThat(p.run(dir).exitCode()).isEqualTo(ExitCodes.OK);

    try (Jedis j = new Jedis("127.0.0.1", redis.port())) {
      j.select(4);
      assertThat(j.hgetAll("sinkschema_all:7"))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  "country", "AE",
                  "lifetime_value", "50.0",
                  "orders_12m", "2",
                  "avg_order_value", "25.0"));
    }
  }

  @Test
  void anAggregateLandsInAnIcebergTableWithItsOwnColumnsAndAnIndependentReaderSeesThem()
      throws Exception {
    String catalogUrl = Postgres.shared().newDatabase();
    Path secrets = Postgres.writeSecrets(dir.resolve("secrets"));
    Files.createDirectories(secrets.resolve("mask-key"));
    Files.writeString(secrets.resolve("mask-key/key"), "k3y\n");
    Path warehouse = dir.resolve("warehouse");
    Path in = dir.resolve("in/txns.jsonl");
    Files.createDirectories(in.getParent());
    List<String> lines = new ArrayList<>();
    String[][] txns = {
      {"t1", "c1", "grocery", "10.5", "2026-11-20T08:00:00Z"},
      {"t2", "c1", "grocery", "20.0", "2026-11-20T18:00:00Z"},
      {"t3", "c1", "fuel", "100.0", "2026-11-20T09:00:00Z"},
      {"t4", "c2", "grocery", "7.25", "2026-11-21T10:00:00Z"},
    };
    for (String[] t : txns) {
      lines.add(
          String.format(
              "{\"txn_id\":\"%s\",\"customer_id\":\"%s\",\"emirates_id\":\"784-1\","
                  + "\"merchant_category\":\"%s\",\"amount_aed\":%s,\"posted_at\":\"%s\"}",
              (Object[]) t));
    }
    Files.write(in, lines);
    BatchPlans p = new BatchPlans();
    p.secretsDir = secrets.toString();
    p.source = files(in, FileFormat.JSONL);
    p.schema =
        new SchemaSpec(
            List.of(
                field("txn_id", Type.STRING).asRequired(),
                field("customer_id", Type.STRING).asRequired().asPii(),
                field("emirates_id", Type.STRING).classified(SchemaSpec.Classification.SENSITIVE),
                field("merchant_category", Type.STRING).asRequired(),
                field("amount_aed", Type.NUMBER).asRequired(),
                field("posted_at", Type.TIMESTAMP).asRequired()),
            null);
    p.transforms =
        List.of(
            TransformSpec.of(new ValidateTransform(null)),
            TransformSpec.of(
                new MaskTransform(
                    new SecretKeyRef("mask-key", "key"),
                    List.of(
                        MaskTransform.Field.of("customer_id", Method.HMAC),
                        MaskTransform.Field.of("emirates_id", Method.DROP)))),
            TransformSpec.of(
                new AggregateTransform(
                    List.of("customer_id", "merchant_category"),
                    "1d",
                    "posted_at",
                    List.of(
                        new Aggregation(Function.COUNT, null, "txn_count"),
                        new Aggregation(Function.SUM, "amount_aed", "spend_aed"),
                        new Aggregation(Function.MAX, "amount_aed", "max_txn_aed")))),
            TransformSpec.of(
                new DeriveTransform(
                    List.of(
                        new DeriveTransform.Field(
                            "avg_txn_aed", "spend_aed / double(txn_count)")))));
    IcebergTable.Catalog catalog =
        IcebergTable.Catalog.of(catalogUrl)
            .withUserSecretRef(new SecretKeyRef("db", "user"))
            .withPasswordSecretRef(new SecretKeyRef("db", "password"));
    p.sink =
        SinkSpec.of(
            LakeSink.iceberg(
                warehouse.toString(),
                new IcebergTable("uae.card_spend_daily", catalog),
                List.of("merchant_category")));

    BatchPlans.Outcome o = p.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().recordsWritten()).isEqualTo(3);
    JsonNode t = PyIceberg.read(catalogUrl, "tributary", warehouse, "uae.card_spend_daily");
    assertThat(t.get("schema").toString())
        .contains("{\"name\":\"customer_id\",\"type\":\"string\",\"required\":true}")
        .contains("{\"name\":\"window_start\",\"type\":\"timestamptz\",\"required\":true}")
        .contains("{\"name\":\"txn_count\",\"type\":\"long\",\"required\":true}")
        .contains("{\"name\":\"spend_aed\",\"type\":\"double\",\"required\":true}")
        .contains("{\"name\":\"max_txn_aed\",\"type\":\"double\",\"required\":false}")
        .contains("{\"name\":\"avg_txn_aed\",\"type\":\"double\",\"required\":false}")
        .doesNotContain("txn_id")
        .doesNotContain("emirates_id")
        .doesNotContain("amount_aed");
    List<JsonNode> rows = new ArrayList<>();
    t.get("rows").forEach(rows::add);
    assertThat(rows).hasSize(3);
    JsonNode grocery =
        rows.stream()
            .filter(
                r ->
                    r.get("merchant_category").asText().equals("grocery")
                        && r.get("txn_count").asLong() == 2)
            .findFirst()
            .orElseThrow();
    assertThat(grocery.get("spend_aed").asDouble()).isEqualTo(30.5);
    assertThat(grocery.get("max_txn_aed").asDouble()).isEqualTo(20.0);
    assertThat(grocery.get("avg_txn_aed").asDouble()).isEqualTo(15.25);
    assertThat(grocery.get("window_start").asText()).isEqualTo("2026-11-20 00:00:00+00:00");
    assertThat(grocery.get("customer_id").asText()).matches("[0-9a-f]{64}");
  }
}

package io.tributary.runtime.batch;

import static io.tributary.runtime.batch.BatchPlans.field;
import static io.tributary.runtime.batch.BatchPlans.files;
import static io.tributary.runtime.batch.BatchPlans.lake;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SchemaSpec.Type;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.source.FilesSource;
import io.tributary.pipeline.transform.AggregateTransform;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.pipeline.transform.NormalizeTransform;
import io.tributary.pipeline.transform.ValidateTransform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DataPipeline runs from files into the lake, end to end in this JVM (files only, no services). */
class FilesToLakeTest {
  @TempDir Path dir;

  @Test
  void csvWithDelimiterAndQuotingLandsInHivePartitions() throws Exception {
    Path csv = dir.resolve("in/orders.csv");
    Files.createDirectories(csv.getParent());
    Files.writeString(
        csv,
        "id;country;note;amount\n"
            + "1;AE;\"semi;colon\";10.5\n"
            + "2;SA;\"say \"\"hi\"\"\";7\n"
            + "3;AE;plain;\n");
    BatchPlans p = new BatchPlans();
    p.source =
        SourceSpec.of(
            new FilesSource(
                dir.resolve("in/*.csv").toString(),
                FileFormat.CSV,
                new FilesSource.Csv(true, ";", "\"")));
    p.schema =
        new SchemaSpec(
            List.of(
                field("id", Type.INTEGER),
                field("country", Type.STRING),
                field("note", Type.STRING),
                field("amount", Type.NUMBER)),
            null);
    Path out = dir.resolve("lake/orders");
    p.sink = lake(out, FileFormat.JSONL, "country");

    BatchPlans.Outcome o = p.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().outcome()).isEqualTo(RunSummary.SUCCEEDED);
    assertThat(o.summary().recordsRead()).isEqualTo(3);
    assertThat(o.summary().recordsWritten()).isEqualTo(3);
    assertThat(BatchPlans.dataFiles(out))
        .extracting(f -> out.relativize(f.getParent()).toString())
        .containsExactly("country=AE", "country=SA");
    List<ObjectNode> rows = BatchPlans.lakeRecords(out);
    assertThat(rows)
        .extracting(
            r -> r.get("id").asLong() + "|" + r.get("note").asText() + "|" + r.get("amount"))
        .containsExactlyInAnyOrder("1|semi;colon|10.5", "2|say \"hi\"|7.0", "3|plain|null");
    JsonNode manifest = BatchPlans.JSON.readTree(out.resolve("_SUCCESS").toFile());
    assertThat(manifest.get("runId").asText()).isEqualTo("run-1");
    assertThat(manifest.get("records").asLong()).isEqualTo(3);
  }

  private Path jsonl(int good, String... bad) throws Exception {
    Path in = dir.resolve("in/events.jsonl");
    Files.createDirectories(in.getParent());
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < good; i++) {
      sb.append("{\"id\":")
          .append(i)
          .append(",\"email\":\" User")
          .append(i)
          .append("@Example.COM \",\"country\":\"AE\"}\n");
    }
    for (String b : bad) sb.append(b).append('\n');
    Files.writeString(in, sb.toString());
    return in;
  }

  private BatchPlans poisonedPlan(Path in, double maxRatio) {
    BatchPlans p = new BatchPlans();
    p.source = files(in, FileFormat.JSONL);
    p.schema =
        new SchemaSpec(
            List.of(
                SchemaSpec.Field.of("id", Type.INTEGER).asRequired(),
                new SchemaSpec.Field("email", Type.STRING, true, true, null, null),
                field("country", Type.STRING)),
            null);
    p.transforms = List.of(TransformSpec.of(new ValidateTransform(null)));
    p.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), maxRatio);
    // The lake holds the address on purpose; dead letters hide it all the same.
    p.sink =
        lake(dir.resolve("lake/events"), FileFormat.PARQUET, "country")
            .allowingClassified(List.of("email"));
    return p;
  }

  @Test
  void poisonedRowsAreCountedAndDeadLetteredAndTheRunSucceedsUnderTheThreshold() throws Exception {
    Path in = jsonl(198, "{not json", "{\"id\":\"x\",\"email\":\"a@b\"}");
    BatchPlans.Outcome o = poisonedPlan(in, 0.05).run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().recordsRead()).isEqualTo(200);
    assertThat(o.summary().recordsRejected()).isEqualTo(2);
    assertThat(o.summary().recordsWritten()).isEqualTo(198);
    assertThat(o.summary().steps())
        .contains(new RunSummary.StepCount("source", 200, 199, 1))
        .contains(new RunSummary.StepCount("validate-0", 199, 198, 1));
    List<JsonNode> dead = BatchPlans.jsonLines(dir.resolve("dlq/run-1.jsonl"));
    assertThat(dead)
        .extracting(d -> d.get("step").asText())
        .containsExactlyInAnyOrder("source", "validate-0");
    assertThat(dead).allSatisfy(d -> assertThat(d.get("reason").asText()).isNotBlank());
    // email is personal: the lake may hold it, its dead letters may not.
    JsonNode invalid = dead.stream().filter(d -> d.has("record")).findFirst().orElseThrow();
    assertThat(invalid.at("/record/email").asText()).isEqualTo("***");
    assertThat(invalid.at("/record/id").asText()).isEqualTo("x");
    JsonNode unreadable = dead.stream().filter(d -> !d.has("record")).findFirst().orElseThrow();
    assertThat(unreadable.has("raw")).isFalse();
    assertThat(unreadable.get("rawBytes").asInt()).isEqualTo("{not json".length());
    assertThat(BatchPlans.lakeRecords(dir.resolve("lake/events"))).hasSize(198);
    assertThat(o.summary().message())
        .startsWith("2 records rejected, dead-lettered to " + dir.resolve("dlq/run-1.jsonl"));
  }

  @Test
  void rejectsWithoutADeadLetterDestinationAreCountedAndTheSummarySaysTheyWereNotKept()
      throws Exception {
    Path in = jsonl(198, "{not json", "{\"id\":\"x\",\"email\":\"a@b\"}");
    WorkerPlan built = poisonedPlan(in, 0.05).build();
    WorkerPlan plan =
        built.toBuilder().deadLetter(new WorkerPlan.DeadLetters(null, null, null, 0.05)).build();

    BatchPlans.Outcome o = BatchPlans.run(plan, dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().recordsRejected()).isEqualTo(2);
    assertThat(o.summary().steps())
        .contains(new RunSummary.StepCount("source", 200, 199, 1))
        .contains(new RunSummary.StepCount("validate-0", 199, 198, 1));
    assertThat(o.summary().message())
        .startsWith("2 records rejected, NOT kept: no dead-letter destination is configured")
        .contains("deadLetter.path")
        .contains("first: source: events.jsonl line 199");
    assertThat(dir.resolve("dlq")).doesNotExist();
  }

  @Test
  void tooManyPoisonedRowsFailPermanentlyAndCommitNothing() throws Exception {
    Path in = jsonl(98, "{not json", "[1]");
    BatchPlans.Outcome o = poisonedPlan(in, 0.01).run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.PERMANENT);
    assertThat(o.summary().outcome()).isEqualTo(RunSummary.FAILED);
    assertThat(o.summary().failure()).isEqualTo(RunSummary.PERMANENT);
    assertThat(o.summary().message()).contains("2 of 100 records rejected");
    Path out = dir.resolve("lake/events");
    assertThat(BatchPlans.dataFiles(out)).isEmpty();
    assertThat(out.resolve("_SUCCESS")).doesNotExist();
    assertThat(out.resolve("_staging/run-1")).doesNotExist();
  }

  @Test
  void normalizeAndMaskThenParquetRoundTripsThroughTheParquetSource() throws Exception {
    Path secrets = dir.resolve("secrets");
    Files.createDirectories(secrets.resolve("mask-key"));
    Files.writeString(secrets.resolve("mask-key/key"), "k3y\n");
    Path in = jsonl(5);
    BatchPlans p = new BatchPlans();
    p.secretsDir = secrets.toString();
    p.source = files(in, FileFormat.JSONL);
    p.transforms =
        List.of(
            TransformSpec.of(
                new NormalizeTransform(
                    List.of(
                        NormalizeTransform.Rule.of("email")
                            .withTrim(true)
                            .withCase(NormalizeTransform.Case.LOWER)))),
            TransformSpec.of(
                new MaskTransform(
                    new SecretKeyRef("mask-key", "key"),
                    List.of(MaskTransform.Field.of("email", MaskTransform.Method.HMAC)))));
    Path first = dir.resolve("lake/masked");
    p.sink = lake(first, FileFormat.PARQUET);
    assertThat(p.run(dir).exitCode()).isEqualTo(ExitCodes.OK);

    List<ObjectNode> masked = BatchPlans.lakeRecords(first);
    assertThat(masked).hasSize(5);
    assertThat(masked).allSatisfy(r -> assertThat(r.get("email").asText()).matches("[0-9a-f]{64}"));

    BatchPlans copy = new BatchPlans();
    copy.source = files(BatchPlans.dataFiles(first).get(0), FileFormat.PARQUET);
    Path second = dir.resolve("lake/copy");
    copy.sink = lake(second, FileFormat.JSONL);
    assertThat(copy.run(dir).exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(BatchPlans.lakeRecords(second))
        .extracting(Object::toString)
        .containsExactlyInAnyOrderElementsOf(masked.stream().map(Object::toString).toList());
  }

  @Test
  void aMissingSecretFileIsAnInvalidPlan() throws Exception {
    BatchPlans p = new BatchPlans();
    p.secretsDir = dir.resolve("nothing-mounted").toString();
    p.source = files(jsonl(1), FileFormat.JSONL);
    p.transforms =
        List.of(
            TransformSpec.of(
                new MaskTransform(
                    new SecretKeyRef("mask-key", "key"),
                    List.of(MaskTransform.Field.of("email", MaskTransform.Method.HMAC)))));
    p.sink = lake(dir.resolve("lake/x"), FileFormat.JSONL);

    BatchPlans.Outcome o = p.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.INVALID_PLAN);
    assertThat(o.summary().message()).contains("mask-key");
  }

  @Test
  void aggregationWindowsAreAllEmittedWhenTheInputEnds() throws Exception {
    Path in = dir.resolve("in/tx.jsonl");
    Files.createDirectories(in.getParent());
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      sb.append("{\"customer\":\"c")
          .append(i % 3)
          .append("\",\"amount\":")
          .append(i)
          .append(",\"ts\":\"2026-11-2")
          .append(i % 2 == 0 ? "4" : "5")
          .append("T10:00:00Z\"}\n");
    }
    Files.writeString(in, sb.toString());
    Path out = dir.resolve("lake/daily");
    BatchPlans p =
        dailyByCustomer(
            in,
            out,
            new AggregateTransform.Aggregation(AggregateTransform.Function.COUNT, null, "n"),
            new AggregateTransform.Aggregation(AggregateTransform.Function.SUM, "amount", "total"));

    BatchPlans.Outcome o = p.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().recordsRead()).isEqualTo(60);
    List<ObjectNode> rows = BatchPlans.lakeRecords(out);
    assertThat(rows).hasSize(6); // 3 customers x 2 days
    assertThat(rows.stream().mapToLong(r -> r.get("n").asLong()).sum()).isEqualTo(60);
    assertThat(rows.stream().mapToDouble(r -> r.get("total").asDouble()).sum()).isEqualTo(1770.0);
  }

  @Test
  void aggregationWindowsLaterThanTheYear9999AreEmittedWhenTheInputEnds() throws Exception {
    Path in = dir.resolve("in/tx.jsonl");
    Files.createDirectories(in.getParent());
    Files.writeString(
        in,
        "{\"customer\":\"c1\",\"amount\":1,\"ts\":\"2026-11-24T10:00:00Z\"}\n"
            + "{\"customer\":\"c1\",\"amount\":2,\"ts\":\"+10000-01-01T10:00:00Z\"}\n");
    Path out = dir.resolve("lake/daily");
    BatchPlans p =
        dailyByCustomer(
            in,
            out,
            new AggregateTransform.Aggregation(AggregateTransform.Function.SUM, "amount", "total"));

    BatchPlans.Outcome o = p.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().recordsWritten()).isEqualTo(2);
    assertThat(BatchPlans.lakeRecords(out))
        .extracting(r -> r.get("window_start").asText() + "=" + r.get("total").asDouble())
        .containsExactlyInAnyOrder("2026-11-24T00:00:00Z=1.0", "+10000-01-01T00:00:00Z=2.0");
  }

  @Test
  void aFieldOutsideTheInferredParquetColumnsDeadLettersTheRecordInsteadOfDroppingTheField()
      throws Exception {
    Path in = dir.resolve("in/events.jsonl");
    Files.createDirectories(in.getParent());
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 1500; i++) {
      sb.append("{\"id\":").append(i).append(",\"country\":\"AE\"");
      if (i == 1200) sb.append(",\"coupon\":\"X1\"");
      sb.append("}\n");
    }
    Files.writeString(in, sb.toString());
    BatchPlans p = new BatchPlans();
    p.source = files(in, FileFormat.JSONL);
    p.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), 0.01);
    Path out = dir.resolve("lake/events");
    p.sink = lake(out, FileFormat.PARQUET, "country");

    BatchPlans.Outcome o = p.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().recordsWritten()).isEqualTo(1499);
    assertThat(o.summary().steps()).contains(new RunSummary.StepCount("sink", 1500, 1499, 1));
    List<JsonNode> dead = BatchPlans.jsonLines(dir.resolve("dlq/run-1.jsonl"));
    assertThat(dead)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.get("step").asText()).isEqualTo("sink");
              assertThat(d.get("reason").asText()).contains("coupon").contains("spec.schema");
              assertThat(d.get("record").get("id").asInt()).isEqualTo(1200);
            });
  }

  @Test
  void aNumberTooLargeForADoubleDeadLettersThatRecordOnly() throws Exception {
    Path in = dir.resolve("in/tx.jsonl");
    Files.createDirectories(in.getParent());
    Files.writeString(
        in,
        "{\"id\":1,\"amount\":10.5}\n"
            + "{\"id\":2,\"amount\":1e400}\n"
            + "{\"id\":3,\"amount\":7}\n");
    for (FileFormat format : List.of(FileFormat.JSONL, FileFormat.PARQUET)) {
      BatchPlans p = new BatchPlans();
      p.runId = "run-" + format;
      p.source = files(in, FileFormat.JSONL);
      p.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), 0.5);
      Path out = dir.resolve("lake/" + format);
      p.sink = lake(out, format);

      BatchPlans.Outcome o = p.run(dir);

      assertThat(o.exitCode()).as(format.name()).isEqualTo(ExitCodes.OK);
      assertThat(o.summary().recordsRead()).isEqualTo(3);
      assertThat(o.summary().recordsRejected()).isEqualTo(1);
      assertThat(BatchPlans.lakeRecords(out))
          .extracting(r -> r.get("id").asLong())
          .containsExactlyInAnyOrder(1L, 3L);
      List<JsonNode> dead = BatchPlans.jsonLines(dir.resolve("dlq/" + p.runId + ".jsonl"));
      assertThat(dead).hasSize(1);
      assertThat(dead.get(0).get("step").asText()).isEqualTo("source");
      assertThat(dead.get(0).get("reason").asText()).contains("line 2").contains("too large");
      assertThat(dead.get(0).get("raw").asText()).contains("1e400");
    }
  }

  @Test
  void anInvalidUtf8LineInJsonLinesIsDeadLetteredAndTheNextLineIsRead() throws Exception {
    Path in = dir.resolve("in/events.jsonl");
    Files.createDirectories(in.getParent());
    Files.write(
        in,
        concat(
            "{\"id\":1}\n{\"id\":2,\"note\":\"caf".getBytes(StandardCharsets.UTF_8),
            new byte[] {(byte) 0xE9},
            "\"}\n{\"id\":3}\n{\"id\":4,\"id\":5}\n".getBytes(StandardCharsets.UTF_8)));
    BatchPlans p = new BatchPlans();
    p.source = files(in, FileFormat.JSONL);
    p.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), 0.6);
    Path out = dir.resolve("lake/events");
    p.sink = lake(out, FileFormat.JSONL);

    BatchPlans.Outcome o = p.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().recordsRead()).isEqualTo(4);
    assertThat(BatchPlans.lakeRecords(out))
        .extracting(r -> r.get("id").asLong())
        .containsExactlyInAnyOrder(1L, 3L);
    List<JsonNode> dead = BatchPlans.jsonLines(dir.resolve("dlq/run-1.jsonl"));
    assertThat(dead)
        .extracting(d -> d.get("reason").asText())
        .satisfiesExactly(
            r -> assertThat(r).contains("events.jsonl line 2").contains("UTF-8"),
            r -> assertThat(r).contains("events.jsonl line 4").contains("twice"));
  }

  private BatchPlans csvPlan(Path csv) {
    BatchPlans p = new BatchPlans();
    p.source =
        SourceSpec.of(
            new FilesSource(csv.toString(), FileFormat.CSV, new FilesSource.Csv(true, ",", "\"")));
    p.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), 0.5);
    p.sink = lake(dir.resolve("lake/csv"), FileFormat.JSONL);
    return p;
  }

  @Test
  void anInvalidUtf8ByteInCsvFailsPermanentlyNamingFileAndLine() throws Exception {
    Path csv = dir.resolve("in/orders.csv");
    Files.createDirectories(csv.getParent());
    Files.write(
        csv,
        concat(
            "id,note\n1,ok\n2,caf".getBytes(StandardCharsets.UTF_8),
            new byte[] {(byte) 0xE9},
            "\n3,ok\n".getBytes(StandardCharsets.UTF_8)));

    BatchPlans.Outcome o = csvPlan(csv).run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.PERMANENT);
    assertThat(o.summary().failure()).isEqualTo(RunSummary.PERMANENT);
    assertThat(o.summary().message()).contains("orders.csv").contains("line 3").contains("UTF-8");
    assertThat(BatchPlans.dataFiles(dir.resolve("lake/csv"))).isEmpty();
  }

  @Test
  void aMalformedCsvQuoteFailsPermanentlyNamingFileAndLine() throws Exception {
    Path csv = dir.resolve("in/orders.csv");
    Files.createDirectories(csv.getParent());
    Files.writeString(csv, "id,note\n1,ok\n2,\"say \"hi\" x\n3,ok\n");

    BatchPlans.Outcome o = csvPlan(csv).run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.PERMANENT);
    assertThat(o.summary().message()).contains("orders.csv").contains("line 3").contains("CSV");
  }

  @Test
  void aCsvNumberTooLargeForADoubleDeadLettersThatRow() throws Exception {
    Path csv = dir.resolve("in/orders.csv");
    Files.createDirectories(csv.getParent());
    Files.writeString(csv, "id,amount,tags\n1,10.5,[]\n2,1e400,[]\n3,7,[1e999]\n4,8,[2]\n");
    BatchPlans p = csvPlan(csv);
    p.schema =
        new SchemaSpec(
            List.of(
                field("id", Type.INTEGER), field("amount", Type.NUMBER), field("tags", Type.ARRAY)),
            null);

    BatchPlans.Outcome o = p.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(BatchPlans.lakeRecords(dir.resolve("lake/csv")))
        .extracting(r -> r.get("id").asLong())
        .containsExactlyInAnyOrder(1L, 4L);
    assertThat(BatchPlans.jsonLines(dir.resolve("dlq/run-1.jsonl")))
        .extracting(d -> d.get("reason").asText())
        .satisfiesExactly(
            r -> assertThat(r).contains("orders.csv line 2: field amount: not a finite number"),
            r -> assertThat(r).contains("orders.csv line 3: field tags: ").contains("too large"));
  }

  @Test
  void aDamagedParquetFileFailsPermanentlyNamingTheFile() throws Exception {
    BatchPlans first = new BatchPlans();
    first.source = files(jsonl(500), FileFormat.JSONL);
    Path lake = dir.resolve("lake/first");
    first.sink = lake(lake, FileFormat.PARQUET);
    assertThat(first.run(dir).exitCode()).isEqualTo(ExitCodes.OK);
    Path whole = BatchPlans.dataFiles(lake).get(0);
    Path damaged = dir.resolve("in/damaged.parquet");
    for (int keep : new int[] {Files.readAllBytes(whole).length / 2, 6}) {
      Files.write(damaged, java.util.Arrays.copyOf(Files.readAllBytes(whole), keep));
      BatchPlans p = new BatchPlans();
      p.runId = "run-" + keep;
      p.source = files(damaged, FileFormat.PARQUET);
      p.sink = lake(dir.resolve("lake/" + keep), FileFormat.JSONL);

      BatchPlans.Outcome o = p.run(dir);

      assertThat(o.exitCode()).as("%d bytes kept", keep).isEqualTo(ExitCodes.PERMANENT);
      assertThat(o.summary().message()).contains("damaged.parquet");
    }
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  /** JSON Lines in, daily windows per customer on field ts, JSON Lines lake out. */
  private static BatchPlans dailyByCustomer(
      Path in, Path out, AggregateTransform.Aggregation... aggregations) {
    BatchPlans p = new BatchPlans();
    p.source = files(in, FileFormat.JSONL);
    p.transforms =
        List.of(
            TransformSpec.of(
                new AggregateTransform(List.of("customer"), "1d", "ts", List.of(aggregations))));
    p.sink = lake(out, FileFormat.JSONL);
    return p;
  }
}

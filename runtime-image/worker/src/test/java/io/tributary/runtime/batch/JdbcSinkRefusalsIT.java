package io.tributary.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.sink.JdbcSink;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.runtime.testing.Postgres;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows a real PostgreSQL refuses for their content (SQLSTATE class 22 or 23): each is one dead
 * letter at step {@code sink} with the server's reason, the rows around it are written in the same
 * transaction, and errors of any other class still fail the run as before.
 */
class JdbcSinkRefusalsIT {
  private static final String LABELS = "name=\"orders-daily\",namespace=\"team-a\"";

  @TempDir Path dir;
  String url;
  Path secrets;

  @BeforeEach
  void database() throws Exception {
    url = Postgres.shared().newDatabase();
    secrets = Postgres.writeSecrets(dir.resolve("secrets"));
    Files.createDirectories(secrets.resolve("mask-key"));
    Files.writeString(secrets.resolve("mask-key/key"), "k3y\n");
    Postgres.sql(
        url,
        "CREATE TABLE target (id bigint PRIMARY KEY, code varchar(5), amount numeric(5,2),"
            + " name text NOT NULL, qty smallint CHECK (qty >= 0), email text,"
            + " ref uuid)");
  }

  /**
   * Eleven records, six the table refuses, each for another reason; email is classified and masked
   * by the chain, name is classified and the sink may hold it.
   */
  BatchPlans plan(JdbcSink.Mode mode, int batchSize, double maxRejectedRatio) throws Exception {
    Path in = dir.resolve("in.jsonl");
    Files.writeString(
        in,
        String.join(
            "\n",
            "{\"id\":1,\"code\":\"a\",\"amount\":1.5,\"name\":\"ada\",\"qty\":1,\"email\":\"ada@x.io\"}",
            "{\"id\":2,\"code\":\"toolong\",\"amount\":1,\"name\":\"bob\",\"qty\":1,\"email\":\"bob@x.io\"}",
            "{\"id\":3,\"code\":\"c\",\"amount\":999.99,\"name\":\"cy\",\"qty\":1,\"email\":\"cy@x.io\"}",
            "{\"id\":4,\"code\":\"d\",\"amount\":1234.5,\"name\":\"di\",\"qty\":1,\"email\":\"di@x.io\"}",
            "{\"id\":5,\"code\":\"e\",\"amount\":5,\"name\":\"ed\",\"qty\":0,\"email\":\"ed@x.io\"}",
            "{\"id\":6,\"code\":\"f\",\"amount\":6,\"name\":null,\"qty\":1,\"email\":\"fy@x.io\"}",
            "{\"id\":7,\"code\":\"g\",\"amount\":7,\"name\":\"gus\",\"qty\":-1,\"email\":\"gus@x.io\"}",
            "{\"id\":8,\"code\":\"h\",\"amount\":8,\"name\":\"hal\",\"qty\":40000,\"email\":\"h@x.io\"}",
            "{\"id\":9,\"code\":\"i\",\"amount\":9,\"name\":\"ivy\",\"qty\":1,\"email\":\"ivy@x.io\"}",
            "{\"id\":10,\"code\":\"j\",\"amount\":10,\"name\":\"jo\",\"qty\":1,\"email\":\"jo@x.io\"}",
            "{\"id\":11,\"name\":\"kim\",\"ref\":\"kim-is-not-a-uuid\"}"));
    BatchPlans p = new BatchPlans();
    p.secretsDir = secrets.toString();
    p.source = BatchPlans.files(in, FileFormat.JSONL);
    JdbcSink sink =
        JdbcSink.of(url, "target")
            .withBatchSize(batchSize)
            .withUserSecretRef(new SecretKeyRef("db", "user"));
    if (mode == JdbcSink.Mode.UPSERT) {
      sink =
          new JdbcSink(
              url, "target", mode, List.of("id"), batchSize, new SecretKeyRef("db", "user"), null);
    }
    p.sink = SinkSpec.of(sink).allowingClassified(List.of("name"));
    p.schema =
        new SchemaSpec(
            List.of(
                SchemaSpec.Field.of("name", SchemaSpec.Type.STRING)
                    .classified(SchemaSpec.Classification.PERSONAL),
                SchemaSpec.Field.of("email", SchemaSpec.Type.STRING)
                    .classified(SchemaSpec.Classification.PERSONAL)),
            null);
    p.transforms =
        List.of(
            TransformSpec.of(
                new MaskTransform(
                    new SecretKeyRef("mask-key", "key"),
                    List.of(MaskTransform.Field.of("email", MaskTransform.Method.HMAC)))));
    p.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), maxRejectedRatio);
    return p;
  }

  Map<Long, JsonNode> deadLetters(String runId) throws Exception {
    Map<Long, JsonNode> out = new TreeMap<>();
    for (JsonNode d : BatchPlans.jsonLines(dir.resolve("dlq/" + runId + ".jsonl"))) {
      out.put(d.at("/record/id").asLong(), d);
    }
    return out;
  }

  @Test
  void refusedRowsAreDeadLetteredWithTheServersReasonAndTheOthersAreWritten() throws Exception {
    // Batches of 4: the refused rows sit in every batch, next to rows that must be written.
    BatchPlans p = plan(JdbcSink.Mode.APPEND, 4, 1.0);
    BatchWorker worker = new BatchWorker(p.build(), dir.resolve("log"));

    assertThat(worker.run()).isEqualTo(ExitCodes.OK);

    assertThat(Postgres.rows(url, "SELECT id, code, amount, name, qty FROM target ORDER BY id"))
        .containsExactly(
            "1|a|1.50|ada|1",
            "3|c|999.99|cy|1",
            "5|e|5.00|ed|0",
            "9|i|9.00|ivy|1",
            "10|j|10.00|jo|1");
    Map<Long, JsonNode> dead = deadLetters("run-1");
    assertThat(dead.keySet()).containsExactly(2L, 4L, 6L, 7L, 8L, 11L);
    assertThat(dead.values()).allSatisfy(d -> assertThat(d.get("step").asText()).isEqualTo("sink"));
    assertThat(dead)
        .extractingFromEntries(e -> e.getKey() + ": " + e.getValue().get("reason").asText())
        .containsExactly(
            "2: the database refused the row (SQLSTATE 22001): value too long for type character"
                + " varying(5) (column code)",
            "4: the database refused the row (SQLSTATE 22003): numeric field overflow (column"
                + " amount)",
            "6: the database refused the row (SQLSTATE 23502): null value in column \"name\" of"
                + " relation \"target\" violates not-null constraint (column name)",
            "7: the database refused the row (SQLSTATE 23514): new row for relation \"target\""
                + " violates check constraint \"target_qty_check\" (constraint target_qty_check)",
            "8: the database refused the row (SQLSTATE 22003): smallint out of range (column qty)",
            // The server quotes the value it could not read: the reason hides it.
            "11: the database refused the row (SQLSTATE 22P02): invalid input syntax for type uuid:"
                + " \"…\"");
    // Dead letters hide classified fields: name (which the table may hold) is redacted, email
    // keeps the hmac the chain gave it.
    JsonNode refused = dead.get(2L);
    assertThat(refused.at("/record/name").asText()).isEqualTo("***");
    assertThat(refused.at("/record/email").asText()).matches("[0-9a-f]{64}");
    assertThat(refused.get("masked").toString()).contains("name");
    assertThat(Files.readString(dir.resolve("dlq/run-1.jsonl"))).doesNotContain("bob");

    RunSummary s = PlanJson.readSummary(Files.readString(dir.resolve("log")));
    assertThat(s.recordsRead()).isEqualTo(11);
    assertThat(s.recordsWritten()).isEqualTo(5);
    assertThat(s.recordsRejected()).isEqualTo(6);
    assertThat(s.steps()).contains(new RunSummary.StepCount("sink", 11, 5, 6));
    assertThat(s.message()).startsWith("6 records rejected, dead-lettered to ");
    assertThat(scrape(worker))
        .contains("tributary_worker_records_rejected_total{" + LABELS + ",step=\"sink\"} 6.0")
        .contains("tributary_worker_records_dead_lettered_total{" + LABELS + ",step=\"sink\"} 6.0")
        .contains("tributary_worker_records_out_total{" + LABELS + "} 5.0");
  }

  @Test
  void aDuplicateKeyInAnAppendIsOneDeadLetter() throws Exception {
    Postgres.sql(url, "INSERT INTO target (id, name) VALUES (9, 'already here')");
    BatchPlans p = plan(JdbcSink.Mode.APPEND, 100, 1.0);

    BatchPlans.Outcome first = p.run(dir);

    assertThat(first.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(deadLetters("run-1").get(9L).get("reason").asText())
        .isEqualTo(
            "the database refused the row (SQLSTATE 23505): duplicate key value violates unique"
                + " constraint \"target_pkey\" (constraint target_pkey)");
    assertThat(first.summary().recordsWritten()).isEqualTo(4);
    assertThat(Postgres.rows(url, "SELECT id, name FROM target ORDER BY id"))
        .containsExactly("1|ada", "3|cy", "5|ed", "9|already here", "10|jo");
    assertThat(deadLetters("run-1").keySet()).containsExactly(2L, 4L, 6L, 7L, 8L, 9L, 11L);
  }

  @Test
  void upsertCommitsEachBatchWithoutItsRefusedRows() throws Exception {
    Postgres.sql(url, "INSERT INTO target (id, code, name) VALUES (1, 'old', 'ada')");
    BatchPlans p = plan(JdbcSink.Mode.UPSERT, 3, 1.0);

    BatchPlans.Outcome o = p.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(Postgres.rows(url, "SELECT id, code FROM target ORDER BY id"))
        .containsExactly("1|a", "3|c", "5|e", "9|i", "10|j");
    assertThat(deadLetters("run-1").keySet()).containsExactly(2L, 4L, 6L, 7L, 8L, 11L);
    assertThat(o.summary().steps()).contains(new RunSummary.StepCount("sink", 11, 5, 6));
  }

  @Test
  void moreRefusedRowsThanTheRatioAllowsCommitNothing() throws Exception {
    BatchPlans.Outcome o = plan(JdbcSink.Mode.APPEND, 4, 0.1).run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.PERMANENT);
    assertThat(o.summary().message()).contains("6 of 11 records rejected");
    assertThat(Postgres.rows(url, "SELECT count(*) FROM target")).containsExactly("0");
  }

  @Test
  void aTransientServerErrorStillFailsTheRunRetryablyAndLeavesNothing() throws Exception {
    // What a serialization failure or a shutdown looks like to the writer: not a refused row.
    Postgres.sql(
        url,
        "CREATE FUNCTION flaky() RETURNS trigger AS $$ BEGIN IF NEW.id = 9 THEN RAISE EXCEPTION"
            + " 'could not serialize access' USING ERRCODE = '40001'; END IF; RETURN NEW; END $$"
            + " LANGUAGE plpgsql",
        "CREATE TRIGGER flaky BEFORE INSERT ON target FOR EACH ROW EXECUTE FUNCTION flaky()");

    BatchPlans.Outcome o = plan(JdbcSink.Mode.APPEND, 4, 1.0).run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.RETRYABLE);
    assertThat(o.summary().failure()).isEqualTo(RunSummary.RETRYABLE);
    assertThat(Postgres.rows(url, "SELECT count(*) FROM target")).containsExactly("0");
    assertThat(o.summary().message()).contains("could not serialize access");
  }

  private static String scrape(BatchWorker worker) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, worker.metrics().registry().scrape());
    return out.toString(StandardCharsets.UTF_8);
  }
}

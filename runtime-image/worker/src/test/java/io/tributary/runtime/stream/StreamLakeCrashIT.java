package io.tributary.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.runtime.batch.BatchWorker;
import io.tributary.runtime.testing.ChildDebugger;
import io.tributary.runtime.testing.KafkaBroker;
import io.tributary.runtime.testing.Postgres;
import io.tributary.runtime.testing.PyIceberg;
import io.tributary.runtime.testing.TestPlans;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream lake sink's promise: a StreamJob appending a topic to an Iceberg table is killed with
 * SIGKILL at the two moments that matter and restarted each time, a batch run backfills the same
 * table in between (Kappa), and PyIceberg, an independent reader, finds every record exactly once.
 *
 * <ol>
 *   <li>Killed right after an Iceberg append committed, before the offsets reached the consumer
 *       group: the group knows nothing, the table knows everything; the restart must resume from
 *       the table or it would write the records again.
 *   <li>Killed inside the catalog commit of its first append (the new metadata written, the
 *       catalog's pointer not swapped): the append did not happen; the restart writes its records
 *       once.
 * </ol>
 *
 * <p>The worker runs unmodified in a child JVM; {@link ChildDebugger} holds it at the exact call
 * until it is killed, so no timing decides where a kill lands. Input is produced in three slices,
 * one per worker, so every kill lands with input still to come.
 */
class StreamLakeCrashIT {
  private static final int SLICE = 1_500;
  private static final int RECORDS = 3 * SLICE;
  private static final int PARTITIONS = 4;
  private static final String TABLE = "web.clicks";
  private static final long BACKFILL_FROM = 1_000_000;
  private static final int BACKFILL = 50;

  @TempDir Path dir;

  private String catalogUrl;
  private Path warehouse;
  private Path log;

  @Test
  void killedAroundTheIcebergCommitTheTableHoldsEveryRecordExactlyOnce() throws Exception {
    catalogUrl = Postgres.shared().newDatabase();
    warehouse = dir.resolve("warehouse");
    Path secrets = Postgres.writeSecrets(dir.resolve("secrets"));
    log = Path.of("target", "stream-lake-crash-it-worker.log").toAbsolutePath();
    Files.deleteIfExists(log);
    try (KafkaBroker kafka = KafkaBroker.start();
        Admin admin = kafka.admin()) {
      kafka.createTopic("clicks", PARTITIONS);
      String planJson = streamPlan(kafka.bootstrapServers(), secrets);
      Path plan = dir.resolve("plan.json");
      Files.writeString(plan, TestPlans.compileToJson(planJson));
      String group = TestPlans.compile(planJson).source().kafka().consumerGroup();

      // 1. Killed after the Iceberg append, before the group offset commit.
      produce(kafka, 0, SLICE);
      killAt(
          plan,
          "io.tributary.runtime.stream.StreamLoop",
          "commitLake",
          "org.apache.kafka.clients.consumer.KafkaConsumer",
          "commitSync");
      JsonNode afterFirst = readBack();
      List<Long> firstIds = ids(afterFirst);
      assertThat(firstIds).as("rows after the first kill").isNotEmpty().doesNotHaveDuplicates();
      assertThat(firstIds.size()).isLessThan(expected().size());
      assertThat(groupOffsets(admin, group))
          .as("the group never heard of the committed append: resuming from it would write again")
          .isEmpty();

      // Kappa: a batch run backfills the same table; its snapshot carries no offsets.
      backfill(secrets);
      assertThat(ids(readBack())).hasSize(firstIds.size() + BACKFILL);

      // 2. Killed inside the catalog commit of its first append.
      produce(kafka, SLICE, 2 * SLICE);
      killAt(
          plan,
          "org.apache.iceberg.jdbc.JdbcTableOperations",
          "doCommit",
          "org.apache.iceberg.jdbc.JdbcTableOperations",
          "updateTable");
      assertThat(ids(readBack()))
          .as("the append killed before the catalog swapped its pointer did not happen")
          .hasSize(firstIds.size() + BACKFILL);

      // 3. A worker that is left alone, then stopped with SIGTERM.
      produce(kafka, 2 * SLICE, RECORDS);
      Map<TopicPartition, Long> ends = endOffsets(admin);
      Process worker = WorkerProcess.start(plan, "lake-worker", log);
      try {
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> groupOffsets(admin, group).equals(ends));
        worker.destroy();
        assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
      } finally {
        worker.destroyForcibly();
      }
      assertThat(Files.readString(log))
          .as("the SIGTERM path ran: final commit, group left")
          .contains("stream worker stopped");

      JsonNode table = readBack();
      List<Long> ids = ids(table);
      Set<Long> wanted = new HashSet<>(expected());
      LongStream.range(BACKFILL_FROM, BACKFILL_FROM + BACKFILL).forEach(wanted::add);
      Map<Long, Long> copies =
          ids.stream().collect(Collectors.groupingBy(i -> i, TreeMap::new, Collectors.counting()));
      assertThat(copies.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey))
          .as("duplicated ids")
          .isEmpty();
      assertThat(wanted.stream().filter(i -> !copies.containsKey(i)).sorted())
          .as("missing ids")
          .isEmpty();
      assertThat(copies.keySet()).isEqualTo(new java.util.TreeSet<>(wanted));

      // The newest stream snapshot names every partition at its end offset.
      Map<String, String> newestStream = null;
      for (JsonNode s : table.get("snapshots")) {
        if (s.get("summary").has(TableOffsets.OFFSETS)) newestStream = summary(s);
      }
      assertThat(newestStream).isNotNull();
      assertThat(
              TableOffsets.find(List.of(newestStream), group, ends.keySet()).entrySet().stream()
                  .filter(e -> e.getValue() > 0)
                  .count())
          .isPositive();

      // Records the table could not take went to the dead letters, at least once each.
      Set<Long> deadLetters = new HashSet<>();
      kafka.readAll("clicks.dlq").forEach(r -> deadLetters.add(idOf(r.value())));
      assertThat(deadLetters)
          .containsExactlyInAnyOrderElementsOf(
              LongStream.range(0, RECORDS).filter(StreamLakeCrashIT::bad).boxed().toList());
    }
  }

  /** Runs the worker under the debugger until the first such call, and kills it there. */
  private void killAt(
      Path plan, String caller, String callerMethod, String callee, String calleeMethod)
      throws Exception {
    try (ChildDebugger debugger = ChildDebugger.listen(log)) {
      Process worker =
          WorkerProcess.start(plan, "lake-worker", log, null, List.of(debugger.agentOption()));
      try {
        debugger.runUntilCall(caller, callerMethod, callee, calleeMethod, 1);
        worker.destroyForcibly(); // SIGKILL, held at the call
        assertThat(worker.waitFor(1, TimeUnit.MINUTES)).isTrue();
      } finally {
        worker.destroyForcibly();
      }
      assertThat(worker.exitValue()).isEqualTo(137);
    }
  }

  private String streamPlan(String bootstrap, Path secrets) {
    return "{\"planVersion\":1,\"kind\":\"StreamJob\","
        + "\"pipeline\":{\"namespace\":\"it\",\"name\":\"clicks-lake\",\"uid\":\"u-1\"},"
        + "\"metricsPort\":0,\"commitInterval\":\"200ms\",\"secretsDir\":\""
        + secrets
        + "\",\"source\":{\"kafka\":{\"bootstrapServers\":\""
        + bootstrap
        + "\",\"topics\":[\"clicks\"]}},"
        + "\"transforms\":[{\"filter\":{\"expression\":\"id % 5 != 0\"}}],"
        + "\"sink\":"
        + lakeSink()
        + ",\"schema\":"
        + SCHEMA
        + "}";
  }

  private String lakeSink() {
    return "{\"lake\":{\"path\":\""
        + warehouse
        + "\",\"format\":\"iceberg\",\"partitionBy\":[\"day\"],\"iceberg\":{\"table\":\""
        + TABLE
        + "\",\"catalog\":{\"url\":\""
        + catalogUrl
        + "\",\"userSecretRef\":{\"name\":\"db\",\"key\":\"user\"},"
        + "\"passwordSecretRef\":{\"name\":\"db\",\"key\":\"password\"}}}}}";
  }

  private static final String SCHEMA =
      "{\"fields\":[{\"name\":\"id\",\"type\":\"integer\",\"required\":true},"
          + "{\"name\":\"day\",\"type\":\"string\"},{\"name\":\"v\",\"type\":\"integer\"}]}";

  /** A DataPipeline run appending older records to the same table, as a backfill would. */
  private void backfill(Path secrets) throws Exception {
    Path in = dir.resolve("backfill");
    Files.createDirectories(in);
    StringBuilder lines = new StringBuilder();
    for (long i = BACKFILL_FROM; i < BACKFILL_FROM + BACKFILL; i++) {
      lines.append("{\"id\":").append(i).append(",\"day\":\"2026-10-01\",\"v\":1}\n");
    }
    Files.writeString(in.resolve("old.jsonl"), lines);
    WorkerPlan batch =
        TestPlans.compile(
            "{\"planVersion\":1,\"kind\":\"DataPipeline\","
                + "\"pipeline\":{\"namespace\":\"it\",\"name\":\"clicks-backfill\",\"uid\":\"u-2\"},"
                + "\"run\":{\"id\":\"backfill-1\",\"attempt\":1},\"secretsDir\":\""
                + secrets
                + "\",\"source\":{\"files\":{\"path\":\""
                + in
                + "\",\"format\":\"jsonl\"}},\"sink\":"
                + lakeSink()
                + ",\"schema\":"
                + SCHEMA
                + "}");
    assertThat(new BatchWorker(batch, dir.resolve("backfill-termination")).run())
        .isEqualTo(ExitCodes.OK);
  }

  /** Ids of {@code 0..to} a StreamJob writes: not filtered (id % 5), not a dead letter. */
  private static List<Long> expected() {
    return LongStream.range(0, RECORDS).filter(i -> i % 5 != 0 && !bad(i)).boxed().toList();
  }

  /** A record whose v is not an integer: the table refuses it, it goes to the dead letters. */
  private static boolean bad(long id) {
    return id % 100 == 7;
  }

  private static void produce(KafkaBroker kafka, int from, int to) {
    try (KafkaProducer<String, String> p = kafka.producer()) {
      for (int i = from; i < to; i++) {
        String v = bad(i) ? "\"seven\"" : Integer.toString(i * 3);
        p.send(
            new ProducerRecord<>(
                "clicks",
                "id" + i,
                "{\"id\":" + i + ",\"day\":\"2026-11-2" + (i % 3) + "\",\"v\":" + v + "}"));
      }
      p.flush();
    }
  }

  private JsonNode readBack() throws Exception {
    return PyIceberg.read(catalogUrl, "tributary", warehouse, TABLE);
  }

  private static List<Long> ids(JsonNode table) {
    List<Long> out = new ArrayList<>();
    table.get("rows").forEach(r -> out.add(r.get("id").asLong()));
    return out;
  }

  private static Map<String, String> summary(JsonNode snapshot) {
    Map<String, String> out = new HashMap<>();
    snapshot
        .get("summary")
        .fields()
        .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private static long idOf(String json) {
    return Long.parseLong(json.replaceAll("(?s).*\"id\":(\\d+).*", "$1"));
  }

  private static Map<TopicPartition, Long> groupOffsets(Admin admin, String group)
      throws Exception {
    Map<TopicPartition, Long> out = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(30, TimeUnit.SECONDS);
    committed.forEach(
        (tp, o) -> {
          if (o != null) out.put(tp, o.offset());
        });
    return out;
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      latest.put(new TopicPartition("clicks", p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> out = new HashMap<>();
    admin
        .listOffsets(latest)
        .all()
        .get(30, TimeUnit.SECONDS)
        .forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }
}

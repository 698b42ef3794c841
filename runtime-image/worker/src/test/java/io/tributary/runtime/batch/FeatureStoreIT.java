package io.tributary.runtime.batch;

import static io.tributary.runtime.batch.BatchPlans.files;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.sink.FeatureStoreSink;
import io.tributary.runtime.testing.Redis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** The featureStore sink against a real, private Redis. */
class FeatureStoreIT {
  @TempDir Path dir;

  @Test
  void entitiesBecomeHashesWithATtlThatAModelServerReadsWithOneCommand() throws Exception {
    Redis redis = Redis.shared();
    Path in = dir.resolve("features.jsonl");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 2500; i++) {
      sb.append("{\"customer_id\":")
          .append(i)
          .append(",\"region\":\"AE\",\"txn_count_1h\":")
          .append(i % 13)
          .append(",\"avg_amount\":")
          .append(i * 0.5)
          .append(",\"vip\":")
          .append(i % 2 == 0)
          .append(",\"last_seen\":null}\n");
    }
    sb.append("{\"region\":\"AE\",\"txn_count_1h\":1}\n"); // no entity key: dead-lettered
    Files.writeString(in, sb.toString());
    try (Jedis j = new Jedis("127.0.0.1", redis.port())) {
      j.select(3);
      j.hset("customer_features:7:AE", "last_seen", "stale");
    }
    BatchPlans p = new BatchPlans();
    p.source = files(in, FileFormat.JSONL);
    p.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), 0.01);
    p.sink =
        SinkSpec.of(
            new FeatureStoreSink(
                redis.address(),
                null,
                3,
                "customer_features",
                List.of("customer_id", "region"),
                null,
                "2h"));

    BatchPlans.Outcome o = p.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().recordsWritten()).isEqualTo(2500);
    assertThat(o.summary().recordsRejected()).isEqualTo(1);
    try (Jedis j = new Jedis("127.0.0.1", redis.port())) {
      j.select(3);
      assertThat(j.keys("customer_features:*")).hasSize(2500);
      Map<String, String> f = j.hgetAll("customer_features:7:AE");
      assertThat(f)
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("txn_count_1h", "7", "avg_amount", "3.5", "vip", "false"));
      long ttl = j.pttl("customer_features:7:AE");
      assertThat(ttl).isPositive().isLessThanOrEqualTo(7_200_000L);
    }
    assertThat(BatchPlans.jsonLines(dir.resolve("dlq/run-1.jsonl")))
        .singleElement()
        .satisfies(d -> assertThat(d.get("reason").asText()).contains("customer_id"));
  }

  /** Five customers, 1 to 5, to the feature store at {@code address}, database 4. */
  private BatchPlans.Outcome loadFiveCustomers(String address) throws Exception {
    Path in = dir.resolve("customers.jsonl");
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= 5; i++) {
      sb.append("{\"customer_id\":").append(i).append(",\"score\":").append(i * 10).append("}\n");
    }
    Files.writeString(in, sb.toString());
    BatchPlans p = new BatchPlans();
    p.source = files(in, FileFormat.JSONL);
    p.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), 0.5);
    p.sink =
        SinkSpec.of(
            new FeatureStoreSink(address, null, 4, "scores", List.of("customer_id"), null, "1h"));
    return p.run(dir);
  }

  @Test
  void aKeyHoldingSomethingElseRejectsThatRecordAndIsLeftUntouched() throws Exception {
    Redis redis = Redis.shared();
    try (Jedis j = new Jedis("127.0.0.1", redis.port())) {
      j.select(4);
      j.flushDB();
      j.set("scores:2", "someone else's");
    }

    BatchPlans.Outcome o = loadFiveCustomers(redis.address());

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().recordsWritten()).as("a refused write is not loaded").isEqualTo(4);
    assertThat(o.summary().recordsRejected()).isEqualTo(1);
    assertThat(o.summary().steps())
        .contains(new io.tributary.pipeline.plan.RunSummary.StepCount("sink", 5, 4, 1));
    assertThat(BatchPlans.jsonLines(dir.resolve("dlq/run-1.jsonl")))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.get("step").asText()).isEqualTo("sink");
              assertThat(d.get("reason").asText())
                  .isEqualTo(
                      "Redis refused the write: WRONGTYPE the key holds a string, not a hash of"
                          + " features");
              assertThat(d.get("record").get("customer_id").asInt()).isEqualTo(2);
            });
    try (Jedis j = new Jedis("127.0.0.1", redis.port())) {
      j.select(4);
      assertThat(j.get("scores:2")).isEqualTo("someone else's");
      assertThat(j.pttl("scores:2")).as("no TTL on a key that is not ours").isEqualTo(-1);
      assertThat(j.hget("scores:5", "score")).isEqualTo("50");
    }
  }

  @Test
  void aServerOutOfMemoryFailsTheRunAsRetryableAndLoadsNothing() throws Exception {
    Redis full = Redis.startPrivate("--maxmemory-policy", "noeviction");
    try {
      try (Jedis j = new Jedis("127.0.0.1", full.port())) {
        j.configSet("maxmemory", "1"); // below what it uses already: every write is refused
      }

      BatchPlans.Outcome o = loadFiveCustomers(full.address());

      assertThat(o.exitCode()).isEqualTo(ExitCodes.RETRYABLE);
      assertThat(o.summary().failure()).isEqualTo(io.tributary.pipeline.plan.RunSummary.RETRYABLE);
      assertThat(o.summary().message())
          .startsWith("sink.featureStore: Redis at " + full.address() + " refused a write: OOM");
      assertThat(o.summary().recordsWritten()).isZero();
    } finally {
      full.stop();
    }
  }

  @Test
  void aReadOnlyReplicaFailsTheRunAsRetryable() throws Exception {
    Redis replica =
        Redis.startPrivate("--replicaof", "127.0.0.1", Integer.toString(Redis.shared().port()));
    try {
      BatchPlans.Outcome o = loadFiveCustomers(replica.address());

      assertThat(o.exitCode()).isEqualTo(ExitCodes.RETRYABLE);
      assertThat(o.summary().message()).contains("refused a write: READONLY");
    } finally {
      replica.stop();
    }
  }
}

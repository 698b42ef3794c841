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
}

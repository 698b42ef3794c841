package io.tributary.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.pipeline.Guarantee;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.plan.KafkaEndpoint;
import io.tributary.runtime.PlanException;
import io.tributary.runtime.Secrets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StreamSettingsTest {
  private static StreamSettings settings(String extra) throws Exception {
    String json =
        Plans.plan("orders", "127.0.0.1:9092", "orders", "orders-clean", "[]", null, extra);
    return StreamSettings.from(PlanJson.readPlan(json), Secrets.fromDir(Path.of("/nonexistent")));
  }

  @Test
  void defaultsFollowThePipelineIdentityAndTheInputTopic() throws Exception {
    StreamSettings s = settings("\"guarantee\":\"exactly-once\"");
    assertThat(s.group()).isEqualTo("tributary-it-orders");
    assertThat(s.deadLetterTopic()).isEqualTo("orders.dlq");
    assertThat(s.changelogTopic()).isEqualTo("tributary-it-orders-state-changelog");
    assertThat(s.startingOffsets()).isEqualTo("earliest");
    assertThat(s.guarantee()).isEqualTo(Guarantee.EXACTLY_ONCE);
    assertThat(s.commitInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(s.output()).isEqualTo(KafkaEndpoint.plain("127.0.0.1:9092"));
    assertThat(s.threads()).isEqualTo(1);
  }

  @Test
  void aFeatureStoreSinkWritesDeadLettersAndStateOnTheSourceCluster() throws Exception {
    StreamSettings s =
        settings(
            "\"guarantee\":\"at-least-once\",\"sink\":{\"featureStore\":{\"redisAddress\":"
                + "\"redis:6379\",\"featureView\":\"f\",\"entityKeys\":[\"id\"]}}");
    assertThat(s.featureStore().redisAddress()).isEqualTo("redis:6379");
    assertThat(s.outputTopic()).isNull();
    assertThat(s.output()).isEqualTo(s.input());
    assertThat(s.deadLetterTopic()).isEqualTo("orders.dlq");
    assertThat(s.exactlyOnce()).isFalse();
    assertThat(s.featureStorePassword(Secrets.fromDir(Path.of("/nonexistent")))).isNull();
  }

  @Test
  void anExplicitDeadLetterTopicWins() throws Exception {
    assertThat(settings("\"deadLetter\":{\"topic\":\"rejects\"}").deadLetterTopic())
        .isEqualTo("rejects");
  }

  @Test
  void threadsComeFromThePlan() throws Exception {
    assertThat(settings("\"threads\":4").threads()).isEqualTo(4);
  }

  @Test
  void exactlyOnceAcrossTwoClustersIsRefusedNamingTheField() {
    String json =
        Plans.plan(
            "orders",
            "127.0.0.1:9092",
            "orders",
            "orders-clean",
            "[]",
            null,
            "\"sink\":{\"kafka\":{\"bootstrapServers\":\"127.0.0.2:9092\",\"topic\":\"x\"}}");
    assertThatThrownBy(
            () ->
                StreamSettings.from(
                    PlanJson.readPlan(json), Secrets.fromDir(Path.of("/nonexistent"))))
        .isInstanceOf(PlanException.class)
        .hasMessageStartingWith("sink.kafka.bootstrapServers: exactly-once");
  }
}

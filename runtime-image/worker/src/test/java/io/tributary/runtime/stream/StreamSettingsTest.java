package io.tributary.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.pipeline.Guarantee;
import io.tributary.pipeline.plan.PlanJson;
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
    assertThat(s.outputBootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(s.threads()).isEqualTo(1);
  }

  @Test
  void anExplicitDeadLetterTopicWins() throws Exception {
    assertThat(settings("\"deadLetter\":{\"topic\":\"rejects\"}").deadLetterTopic())
        .isEqualTo("rejects");
  }

  @Test
  void threadCountsAreChecked() {
    assertThat(StreamSettings.threads(null)).isEqualTo(1);
    assertThat(StreamSettings.threads(" 4 ")).isEqualTo(4);
    assertThatThrownBy(() -> StreamSettings.threads("0"))
        .isInstanceOf(PlanException.class)
        .hasMessageContaining("TRIBUTARY_THREADS");
    assertThatThrownBy(() -> StreamSettings.threads("many")).isInstanceOf(PlanException.class);
  }

  @Test
  void aBadCommitIntervalNamesTheField() {
    // The later key wins in JSON, so this overrides the 200ms of the test plan.
    assertThatThrownBy(() -> settings("\"commitInterval\":\"soon\""))
        .isInstanceOf(PlanException.class)
        .hasMessageStartingWith("commitInterval: 'soon' is not a duration");
  }
}

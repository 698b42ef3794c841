package io.tributary.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.operator.config.OperatorConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void flagsOverrideEnvironment() {
    var env =
        Main.withFlags(
            Map.of("TRIBUTARY_METRICS_PORT", "9000"),
            new String[] {"--metrics-port=8081", "--namespaces=a,b", "--leader-election=false"});
    OperatorConfig c = OperatorConfig.fromEnv(env);
    assertThat(c.metricsPort()).isEqualTo(8081);
    assertThat(c.namespaces()).containsExactlyInAnyOrder("a", "b");
    assertThat(c.leaderElection()).isFalse();
  }

  @Test
  void leaderElectionIsOnByDefault() {
    assertThat(OperatorConfig.defaults().leaderElection()).isTrue();
    assertThat(OperatorConfig.defaults().namespaces()).isEmpty();
  }

  @Test
  void aMalformedFlagSaysHowToWriteIt() {
    assertThatThrownBy(() -> Main.withFlags(Map.of(), new String[] {"--namespaces"}))
        .hasMessageContaining("use --name=value");
  }
}

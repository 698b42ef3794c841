package io.tributary.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.operator.config.OperatorConfig;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

  @Test
  void reconcileThreadsComeFromAFlagAndAreChecked() {
    assertThat(OperatorConfig.defaults().reconcileThreads())
        .isEqualTo(OperatorConfig.DEFAULT_RECONCILE_THREADS);
    var env = Main.withFlags(Map.of(), new String[] {"--reconcile-threads=4"});
    assertThat(OperatorConfig.fromEnv(env).reconcileThreads()).isEqualTo(4);
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("TRIBUTARY_RECONCILE_THREADS", "0")))
        .hasMessageContaining("TRIBUTARY_RECONCILE_THREADS=0 is not a positive whole number");
  }

  /**
   * Losing the Lease while running exits (two replicas must never reconcile at once); losing it
   * because the operator is stopping does not, since System.exit in a shutdown hook hangs the pod.
   */
  @Test
  void theOperatorsEgressIsKeptOnlyWhenTheChartNamesItsPods() {
    assertThat(OperatorConfig.defaults().operatorEgress()).isNull();
    assertThat(
            OperatorConfig.fromEnv(
                    Map.of(
                        "POD_NAMESPACE",
                        "ops",
                        "TRIBUTARY_OPERATOR_EGRESS_POD_LABELS",
                        "app.kubernetes.io/name=tributary-operator, app.kubernetes.io/instance=t"))
                .operatorEgress())
        .isEqualTo(
            new OperatorConfig.OperatorEgress(
                "ops",
                Map.of(
                    "app.kubernetes.io/name", "tributary-operator",
                    "app.kubernetes.io/instance", "t")));
    assertThatThrownBy(
            () ->
                OperatorConfig.fromEnv(
                    Map.of("TRIBUTARY_OPERATOR_EGRESS_POD_LABELS", "app.kubernetes.io/name")))
        .hasMessageContaining("TRIBUTARY_OPERATOR_EGRESS_POD_LABELS=app.kubernetes.io/name")
        .hasMessageContaining("e.g. app.kubernetes.io/name=tributary-operator");
  }

  @Test
  void aLeaderExitsWhenItLosesTheLeaseButNotWhenItStops() {
    var config = OperatorConfig.fromEnv(Map.of("POD_NAMESPACE", "ops"));
    AtomicBoolean stopping = new AtomicBoolean();
    AtomicInteger exits = new AtomicInteger();
    var election = Main.leaderElection(config, stopping::get, exits::incrementAndGet);
    assertThat(election.getLeaseName()).isEqualTo("tributary-operator");
    assertThat(election.getLeaseNamespace()).contains("ops");
    assertThat(election.isExitOnStopLeading()).isFalse();
    var callbacks = election.getLeaderCallbacks().orElseThrow();

    callbacks.onStopLeading();
    assertThat(exits).hasValue(1);

    stopping.set(true);
    callbacks.onStopLeading();
    assertThat(exits).hasValue(1);
  }
}

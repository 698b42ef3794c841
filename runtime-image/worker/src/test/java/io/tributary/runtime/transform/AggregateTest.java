package io.tributary.runtime.transform;

import static io.tributary.runtime.transform.Plans.chain;
import static io.tributary.runtime.transform.Plans.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.runtime.PlanException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AggregateTest {
  private static final String AGG =
      "[{\"aggregate\":{\"keyFields\":[\"card\"],\"window\":\"1m\",\"timestampField\":\"at\","
          + "\"aggregations\":[{\"function\":\"count\",\"as\":\"n\"},"
          + "{\"function\":\"sum\",\"field\":\"amount\",\"as\":\"total\"},"
          + "{\"function\":\"avg\",\"field\":\"amount\",\"as\":\"mean\"},"
          + "{\"function\":\"min\",\"field\":\"amount\",\"as\":\"lo\"},"
          + "{\"function\":\"max\",\"field\":\"amount\",\"as\":\"hi\"}]}}]";
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  private static List<ObjectNode> flush(TransformChain c, Instant at) {
    List<ObjectNode> out = new ArrayList<>();
    c.flush(at, out::add);
    return out;
  }

  @Test
  void emitsOneRecordPerKeyAndWindowWhenTheWindowEnds() {
    TransformChain c = chain(AGG, null);
    assertThat(run(c, "{\"card\":\"c1\",\"amount\":10,\"at\":\"2024-05-01T10:00:05Z\"}")).isEmpty();
    run(c, "{\"card\":\"c1\",\"amount\":2.5,\"at\":\"2024-05-01T10:00:59Z\"}");
    run(c, "{\"card\":\"c1\",\"amount\":null,\"at\":\"2024-05-01T10:00:30Z\"}");
    run(c, "{\"card\":\"c2\",\"amount\":1,\"at\":\"2024-05-01T10:00:10Z\"}");
    run(c, "{\"card\":\"c1\",\"amount\":7,\"at\":\"2024-05-01T10:01:00Z\"}");

    assertThat(flush(c, T0.plusSeconds(59))).isEmpty();
    List<ObjectNode> out = flush(c, T0.plusSeconds(60));
    assertThat(out).hasSize(2);
    ObjectNode c1 =
        out.stream().filter(o -> o.get("card").asText().equals("c1")).findFirst().orElseThrow();
    assertThat(c1.get("n").longValue()).isEqualTo(3);
    assertThat(c1.get("total").doubleValue()).isEqualTo(12.5);
    assertThat(c1.get("mean").doubleValue()).isEqualTo(6.25);
    assertThat(c1.get("lo").doubleValue()).isEqualTo(2.5);
    assertThat(c1.get("hi").doubleValue()).isEqualTo(10.0);
    assertThat(c1.get("window_start").asText()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(c1.get("window_end").asText()).isEqualTo("2024-05-01T10:01:00Z");
    assertThat(flush(c, Instant.MAX)).hasSize(1);
  }

  @Test
  void aWindowWithOnlyNullsHasNullAverages() {
    TransformChain c = chain(AGG, null);
    run(c, "{\"card\":\"c1\",\"at\":\"2024-05-01T10:00:05Z\"}");
    ObjectNode o = flush(c, Instant.MAX).get(0);
    assertThat(o.get("n").longValue()).isEqualTo(1);
    assertThat(o.get("mean").isNull()).isTrue();
    assertThat(o.get("total").longValue()).isZero();
  }

  @Test
  void lateWrongTypedAndUntimedRecordsAreRejected() {
    TransformChain c = chain(AGG, null);
    run(c, "{\"card\":\"c1\",\"amount\":1,\"at\":\"2024-05-01T10:00:05Z\"}");
    flush(c, T0.plusSeconds(120));
    assertThatThrownBy(
            () -> run(c, "{\"card\":\"c1\",\"amount\":1,\"at\":\"2024-05-01T10:00:06Z\"}"))
        .isInstanceOfSatisfying(
            RejectedRecordException.class, e -> assertThat(e.reason()).startsWith("late"));
    assertThatThrownBy(
            () -> run(c, "{\"card\":\"c1\",\"amount\":\"1\",\"at\":\"2024-05-01T11:00:00Z\"}"))
        .isInstanceOfSatisfying(
            RejectedRecordException.class, e -> assertThat(e.reason()).contains("'amount'"));
    assertThatThrownBy(() -> run(c, "{\"card\":\"c1\",\"amount\":1}"))
        .isInstanceOfSatisfying(
            RejectedRecordException.class, e -> assertThat(e.reason()).contains("'at'"));
  }

  @Test
  void openWindowsSurviveASnapshotAndRestore() {
    TransformChain c = chain(AGG, null);
    run(c, "{\"card\":\"c1\",\"amount\":4,\"at\":\"2024-05-01T10:00:05Z\"}");
    List<StateEntry> snapshot = new ArrayList<>();
    c.snapshot(snapshot::add);
    TransformChain restored = c.fork();
    snapshot.forEach(restored::restore);
    run(restored, "{\"card\":\"c1\",\"amount\":6,\"at\":\"2024-05-01T10:00:06Z\"}");
    ObjectNode o = flush(restored, Instant.MAX).get(0);
    assertThat(o.get("n").longValue()).isEqualTo(2);
    assertThat(o.get("total").longValue()).isEqualTo(10);
  }

  @Test
  void emittedWindowsFlowThroughLaterSteps() {
    String chain = AGG.substring(0, AGG.length() - 1) + ",{\"filter\":{\"expression\":\"n > 1\"}}]";
    TransformChain c = chain(chain, null);
    run(c, "{\"card\":\"c1\",\"amount\":1,\"at\":\"2024-05-01T10:00:05Z\"}");
    run(c, "{\"card\":\"c1\",\"amount\":1,\"at\":\"2024-05-01T10:00:06Z\"}");
    run(c, "{\"card\":\"c2\",\"amount\":1,\"at\":\"2024-05-01T10:00:06Z\"}");
    assertThat(flush(c, Instant.MAX)).extracting(o -> o.get("card").asText()).containsExactly("c1");
  }

  @Test
  void laterStepsSeeOnlyTheAggregateFields() {
    String chain =
        AGG.substring(0, AGG.length() - 1) + ",{\"filter\":{\"expression\":\"amount > 1\"}}]";
    assertThatThrownBy(() -> chain(chain, null))
        .isInstanceOf(PlanException.class)
        .hasMessageContaining("transforms[1]");
  }

  @org.junit.jupiter.api.Test
  void aRecordThatWouldOpenMoreThanMaxWindowsIsRejected() {
    TransformChain c =
        Plans.chain(
            "[{\"aggregate\":{\"keyFields\":[\"k\"],\"window\":\"1m\",\"maxWindows\":2,"
                + "\"aggregations\":[{\"function\":\"count\",\"as\":\"n\"}]}}]",
            null);
    Plans.run(c, "{\"k\":\"a\"}");
    Plans.run(c, "{\"k\":\"b\"}");
    Plans.run(c, "{\"k\":\"a\"}");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Plans.run(c, "{\"k\":\"c\"}"))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("aggregate state is full")
        .hasMessageContaining("maxWindows");
    org.assertj.core.api.Assertions.assertThat(c.stateEntries()).isEqualTo(2);
  }

  @Test
  void aWindowWhoseSumOverflowsADoubleIsRejectedNotEmittedAsInfinity() {
    TransformChain c = chain(AGG, null);
    run(c, "{\"card\":\"c1\",\"amount\":1.5e308,\"at\":\"2024-05-01T10:00:05Z\"}");
    run(c, "{\"card\":\"c1\",\"amount\":1.5e308,\"at\":\"2024-05-01T10:00:06Z\"}");
    run(c, "{\"card\":\"c2\",\"amount\":1,\"at\":\"2024-05-01T10:00:07Z\"}");
    List<ObjectNode> out = new ArrayList<>();
    List<RejectedRecordException> rejected = new ArrayList<>();
    c.flush(Instant.MAX, out::add, (r, e) -> rejected.add(e));

    assertThat(out).extracting(o -> o.get("card").asText()).containsExactly("c2");
    assertThat(rejected)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.stepName()).isEqualTo("aggregate-0");
              assertThat(e.reason())
                  .isEqualTo("aggregate 'total' (sum) is Infinity, not a finite number");
            });
    assertThat(c.stepCounts().get(0).rejected()).isEqualTo(1);
  }
}

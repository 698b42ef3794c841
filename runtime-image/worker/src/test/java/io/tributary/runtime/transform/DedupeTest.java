package io.tributary.runtime.transform;

import static io.tributary.runtime.transform.Plans.chain;
import static io.tributary.runtime.transform.Plans.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DedupeTest {
  private static final String DEDUPE =
      "[{\"dedupe\":{\"keyFields\":[\"id\",\"src\"],\"window\":\"10m\"}}]";
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  @Test
  void repeatsWithinTheWindowAreDropped() {
    TransformChain c = chain(DEDUPE, null);
    assertThat(run(c, "{\"id\":1,\"src\":\"a\"}", T0)).hasSize(1);
    assertThat(run(c, "{\"id\":1,\"src\":\"a\",\"x\":2}", T0.plusSeconds(599))).isEmpty();
    assertThat(run(c, "{\"id\":1,\"src\":\"b\"}", T0.plusSeconds(1))).hasSize(1);
    assertThat(run(c, "{\"id\":\"1\",\"src\":\"a\"}", T0.plusSeconds(1)))
        .as("the string \"1\" is another key than the number 1")
        .hasSize(1);
  }

  @Test
  void aKeyIsForgottenWhenTheWindowHasPassed() {
    TransformChain c = chain(DEDUPE, null);
    run(c, "{\"id\":1,\"src\":\"ü\"}", T0);
    c.flush(T0.plusSeconds(600), r -> {});
    assertThat(c.stateEntries()).isZero();
    assertThat(run(c, "{\"id\":1,\"src\":\"ü\"}", T0.plusSeconds(600))).hasSize(1);
  }

  @Test
  void theEndOfABatchRunForgetsEveryKey() {
    TransformChain c = chain(DEDUPE, null);
    run(c, "{\"id\":1,\"src\":\"a\"}", T0);
    c.flush(Instant.MAX, r -> {});
    assertThat(c.stateEntries()).isZero();
  }

  @Test
  void aRecordWithoutItsKeyIsRejected() {
    TransformChain c = chain(DEDUPE, null);
    assertThatThrownBy(() -> run(c, "{\"id\":1}", T0))
        .isInstanceOfSatisfying(
            RejectedRecordException.class, e -> assertThat(e.reason()).contains("'src'"));
    assertThatThrownBy(() -> run(c, "{\"id\":null,\"src\":\"a\"}", T0))
        .isInstanceOf(RejectedRecordException.class);
  }

  @Test
  void stateSurvivesThroughItsChangesIntoAFreshChain() {
    TransformChain c = chain(DEDUPE, null);
    run(c, "{\"id\":1,\"src\":\"a\"}", T0);
    run(c, "{\"id\":2,\"src\":\"a\"}", T0);
    List<StateEntry> changes = new ArrayList<>();
    c.drainStateChanges(changes::add);
    assertThat(changes).hasSize(2).allSatisfy(e -> assertThat(e.step()).isEqualTo("dedupe-0"));

    TransformChain restored = c.fork();
    assertThat(restored.stateEntries()).isZero();
    changes.forEach(restored::restore);
    assertThat(run(restored, "{\"id\":1,\"src\":\"a\"}", T0.plusSeconds(5))).isEmpty();
    assertThat(run(restored, "{\"id\":3,\"src\":\"a\"}", T0.plusSeconds(5))).hasSize(1);

    c.flush(T0.plusSeconds(3600), r -> {});
    List<StateEntry> expired = new ArrayList<>();
    c.drainStateChanges(expired::add);
    assertThat(expired).hasSize(2).allMatch(StateEntry::isTombstone);
  }

  @Test
  void stateIsBoundedByMaxKeysForgettingTheOldestFirst() {
    TransformChain c =
        chain("[{\"dedupe\":{\"keyFields\":[\"id\"],\"window\":\"1h\",\"maxKeys\":3}}]", null);
    for (int i = 0; i < 5; i++) run(c, "{\"id\":" + i + "}", T0.plusSeconds(i));
    assertThat(c.stateEntries()).isEqualTo(3);
    assertThat(c.drainEvictions()).isEqualTo(2);
    assertThat(c.drainEvictions()).isZero();
    assertThat(run(c, "{\"id\":4}", T0.plusSeconds(9))).as("remembered").isEmpty();
    assertThat(run(c, "{\"id\":0}", T0.plusSeconds(9))).as("forgotten: passes again").hasSize(1);
  }
}

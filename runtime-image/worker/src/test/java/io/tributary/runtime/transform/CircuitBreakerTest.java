package io.tributary.runtime.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.runtime.transform.CircuitBreaker.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  /** A clock the test moves. */
  private static final class Now extends Clock {
    Instant t = Instant.parse("2026-12-01T10:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return t;
    }
  }

  private final Now now = new Now();
  private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(30), now);

  @Test
  void opensAfterTheConfiguredFailuresInARowOnly() {
    breaker.failed("503");
    breaker.failed("503");
    breaker.succeeded(); // the count is of failures in a row
    breaker.failed("503");
    breaker.failed("503");
    assertThat(breaker.allow()).isTrue();
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    breaker.failed("no answer within 2s");
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.allow()).isFalse();
    assertThat(breaker.openReason())
        .isEqualTo(
            "circuit open after 3 failed calls in a row, until 2026-12-01T10:00:30Z; last"
                + " failure: no answer within 2s");
  }

  @Test
  void afterOpenForOneTrialCallDecides() {
    for (int i = 0; i < 3; i++) breaker.failed("503");
    now.t = now.t.plusSeconds(29);
    assertThat(breaker.allow()).isFalse();
    now.t = now.t.plusSeconds(1);
    assertThat(breaker.allow()).isTrue(); // the trial
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.allow()).isFalse(); // others wait for it

    breaker.failed("503"); // the trial failed: open again, for a full spell
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    now.t = now.t.plusSeconds(29);
    assertThat(breaker.allow()).isFalse();
    now.t = now.t.plusSeconds(1);
    assertThat(breaker.allow()).isTrue();
    breaker.succeeded(); // the trial answered: closed
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.allow()).isTrue();
  }
}

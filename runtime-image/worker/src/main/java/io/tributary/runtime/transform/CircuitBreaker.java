package io.tributary.runtime.transform;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether to call a model server now. Closed: calls go out; {@code failures} failed calls in a row
 * open it. Open: no call goes out until {@code openFor} has passed; then one trial call (half
 * open): its success closes the circuit, its failure opens it for another {@code openFor}. Pure but
 * for the injected clock; thread-safe (forks of a chain share one server).
 */
final class CircuitBreaker {
  enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final int failures;
  private final Duration openFor;
  private final Clock clock;
  private State state = State.CLOSED;
  private int failedInARow;
  private Instant openUntil = Instant.MIN;
  private String lastFailure;

  CircuitBreaker(int failures, Duration openFor, Clock clock) {
    this.failures = failures;
    this.openFor = openFor;
    this.clock = clock;
  }

  /** Whether a call may go out now; past an open spell, the one trial call. */
  synchronized boolean allow() {
    return switch (state) {
      case CLOSED -> true;
      case HALF_OPEN -> false; // a trial is out; the others wait for its outcome
      case OPEN -> {
        if (clock.instant().isBefore(openUntil)) yield false;
        state = State.HALF_OPEN;
        yield true;
      }
    };
  }

  /** The server answered (a refusal of one request counts: the server is up). */
  synchronized void succeeded() {
    state = State.CLOSED;
    failedInARow = 0;
  }

  /** A call failed for the server's sake, after its retries. */
  synchronized void failed(String reason) {
    lastFailure = reason;
    failedInARow++;
    if (state == State.HALF_OPEN || failedInARow >= failures) {
      state = State.OPEN;
      openUntil = clock.instant().plus(openFor);
    }
  }

  synchronized State state() {
    return state;
  }

  /** Why calls are not going out, for the dead letters. */
  synchronized String openReason() {
    return "circuit open after "
        + failedInARow
        + " failed calls in a row, until "
        + openUntil
        + "; last failure: "
        + lastFailure;
  }
}

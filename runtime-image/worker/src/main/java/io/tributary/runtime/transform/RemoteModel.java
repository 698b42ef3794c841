package io.tributary.runtime.transform;

import io.tributary.pipeline.Durations;
import io.tributary.pipeline.transform.InferTransform;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A model on a model server: each batch is one request ({@link OipClient}), retried with a doubling
 * backoff while the failure is the server's (no answer, 408, 429, 5xx), behind a {@link
 * CircuitBreaker}. A refused request (other 4xx, an answer without the outputs) is not retried and
 * its reason dead-letters the batch; so does the last failure after the retries, and, while the
 * circuit is open, the breaker's reason, without a request.
 */
final class RemoteModel implements BatchModel {
  /** Waits between attempts; tests may wait less, never in main code. */
  interface Sleeper {
    void sleep(Duration d);
  }

  private final OipClient client;
  private final int maxRetries;
  private final Duration backoff;
  private final CircuitBreaker breaker;
  private final Sleeper sleeper;

  RemoteModel(
      OipClient client, int maxRetries, Duration backoff, CircuitBreaker breaker, Sleeper sleeper) {
    this.client = client;
    this.maxRetries = maxRetries;
    this.backoff = backoff;
    this.breaker = breaker;
    this.sleeper = sleeper;
  }

  static RemoteModel of(InferTransform.Remote spec, Clock clock) {
    Duration timeout = Durations.parse(spec.timeout());
    return new RemoteModel(
        new OipClient(spec.url(), spec.model(), spec.version(), spec.datatype(), timeout),
        spec.maxRetries(),
        Durations.parse(spec.backoff()),
        new CircuitBreaker(spec.breakerFailures(), Durations.parse(spec.breakerOpenFor()), clock),
        d -> LockSupport.parkNanos(d.toNanos()));
  }

  @Override
  public String provider() {
    return "remote";
  }

  @Override
  public Map<String, double[][]> run(Map<String, double[][]> inputs, int rows, List<String> outputs)
      throws Failure {
    if (!breaker.allow()) {
      throw new Failure("model server " + client.endpoint() + ": " + breaker.openReason(), null);
    }
    OipClient.CallFailed last = null;
    for (int attempt = 0; attempt <= maxRetries; attempt++) {
      if (attempt > 0) sleeper.sleep(backoff.multipliedBy(1L << (attempt - 1)));
      try {
        Map<String, double[][]> out = client.infer(inputs, rows, outputs);
        breaker.succeeded();
        return out;
      } catch (OipClient.CallFailed e) {
        if (!e.retryable) {
          breaker.succeeded(); // it answered: the request was wrong, not the server
          throw new Failure(e.getMessage(), e);
        }
        last = e;
      }
    }
    breaker.failed(last.getMessage());
    throw new Failure(last.getMessage() + " (after " + (maxRetries + 1) + " attempts)", last);
  }

  @Override
  public void close() {}
}

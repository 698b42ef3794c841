package io.tributary.operator.testing;

import io.tributary.operator.autoscale.LagSource;
import java.util.List;

/** A lag source the test sets, and can make fail on demand. */
public final class TestingLagSource implements LagSource {
  private volatile Lag lag = new Lag(0, 6);
  private volatile boolean failing;
  private final java.util.concurrent.atomic.AtomicInteger reads =
      new java.util.concurrent.atomic.AtomicInteger();

  public void set(long lag, int partitions) {
    this.lag = new Lag(lag, partitions);
  }

  public void failing(boolean failing) {
    this.failing = failing;
  }

  /** How often the operator asked: each StreamJob reconcile asks once. */
  public int reads() {
    return reads.get();
  }

  @Override
  public Lag read(String bootstrapServers, String group, List<String> topics) throws Exception {
    reads.incrementAndGet();
    if (failing) throw new java.io.IOException("brokers unreachable (testing)");
    return lag;
  }
}

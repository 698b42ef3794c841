package io.tributary.operator.testing;

import io.tributary.operator.autoscale.LagSource;
import io.tributary.plan.KafkaEndpoint;
import java.util.List;

/** A lag source the test sets, and can make fail on demand. */
public final class TestingLagSource implements LagSource {
  private volatile Lag lag = new Lag(0, 6);
  private volatile boolean failing;

  public void set(long lag, int partitions) {
    this.lag = new Lag(lag, partitions);
  }

  public void failing(boolean failing) {
    this.failing = failing;
  }

  private volatile KafkaEndpoint lastCluster;
  private final java.util.concurrent.atomic.AtomicInteger reads =
      new java.util.concurrent.atomic.AtomicInteger();

  /** How often the operator asked: each StreamJob reconcile asks once. */
  public int reads() {
    return reads.get();
  }

  /** The cluster of the last read, to check what the operator passed (credentials included). */
  public KafkaEndpoint lastCluster() {
    return lastCluster;
  }

  @Override
  public Lag read(KafkaEndpoint cluster, String group, List<String> topics) throws Exception {
    lastCluster = cluster;
    reads.incrementAndGet();
    if (failing) throw new java.io.IOException("brokers unreachable (testing)");
    return lag;
  }
}

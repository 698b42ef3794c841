package io.tributary.operator.testing;

import io.tributary.operator.autoscale.LagReading;
import io.tributary.operator.autoscale.LagSource;
import io.tributary.plan.KafkaEndpoint;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A lag source the test sets, and can make fail on demand. Readings are taken "now" on the test's
 * clock. When {@link #pushRefreshes pushing}, it tells its listeners after every change, as the
 * Kafka source does after every refresh; otherwise the operator has to poll it.
 */
public final class TestingLagSource implements LagSource {
  private final Clock clock;
  private volatile boolean pushing;
  private final List<Consumer<Set<Query>>> listeners = new CopyOnWriteArrayList<>();
  private final Set<Query> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile long lag;
  private volatile long committed;
  private volatile int partitions = 6;
  private volatile boolean failing;
  private volatile KafkaEndpoint lastCluster;
  private final AtomicInteger reads = new AtomicInteger();

  public TestingLagSource(Clock clock) {
    this.clock = clock;
  }

  /** Whether an operator started from now on is told of changes instead of polling. */
  public void pushRefreshes(boolean pushing) {
    this.pushing = pushing;
  }

  public void set(long lag, int partitions) {
    set(lag, committed, partitions);
  }

  /** Lag and committed offsets summed over {@code partitions} partitions. */
  public void set(long lag, long committed, int partitions) {
    this.lag = lag;
    this.committed = committed;
    this.partitions = partitions;
    changed();
  }

  public void failing(boolean failing) {
    this.failing = failing;
    changed();
  }

  /** How often the operator asked: each StreamJob reconcile asks once. */
  public int reads() {
    return reads.get();
  }

  /** The cluster of the last read, to check what the operator passed (credentials included). */
  public KafkaEndpoint lastCluster() {
    return lastCluster;
  }

  @Override
  public LagReading read(Query query) throws Exception {
    lastCluster = query.cluster();
    seen.add(query);
    reads.incrementAndGet();
    if (failing) throw new java.io.IOException("brokers unreachable (testing)");
    return new LagReading(clock.instant(), lag, committed, partitions);
  }

  @Override
  public boolean onRefresh(Consumer<Set<Query>> listener) {
    if (!pushing) return false;
    listeners.add(listener);
    return true;
  }

  private void changed() {
    if (!pushing) return;
    Set<Query> all = Set.copyOf(seen);
    listeners.forEach(l -> l.accept(all));
  }
}

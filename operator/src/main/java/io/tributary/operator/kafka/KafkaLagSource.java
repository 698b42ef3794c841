package io.tributary.operator.kafka;

import io.tributary.operator.autoscale.LagReading;
import io.tributary.operator.autoscale.LagSource;
import io.tributary.plan.KafkaClientSettings;
import io.tributary.plan.KafkaEndpoint;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer-group lag from the Kafka admin API, for every StreamJob of the operator, in few calls.
 * Jobs whose sources name the same cluster with the same credentials (the {@link KafkaEndpoint}:
 * the map key, never logged, since its toString names no secret value) share one admin client and
 * one {@link ClusterLag} poller, which every poll interval reads the partitions, end offsets and
 * committed offsets of all their groups in one batch of calls, and caches the result. A job's read
 * returns the cached reading: a thousand StreamJobs on one cluster make one admin client's
 * connections and four calls per interval, not a thousand of each.
 *
 * <p>The admin client has the settings {@link KafkaClientSettings#lagReader} gives every lag
 * reader, the source's SASL credentials included, so it authenticates as the workers do.
 */
public final class KafkaLagSource implements LagSource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaLagSource.class);

  /** A new job waits this long for its first reading, so a burst of new jobs shares one refresh. */
  static final Duration FIRST_READ_DELAY = Duration.ofMillis(500);

  private final Clock clock;
  private final Duration poll;
  private final Function<Properties, Admin> adminFactory;
  private final ScheduledExecutorService scheduler;
  private final Map<KafkaEndpoint, ClusterLag> clusters = new ConcurrentHashMap<>();
  private final List<Consumer<Set<Query>>> listeners = new CopyOnWriteArrayList<>();

  /**
   * @param poll how often each cluster's offsets are read
   */
  public KafkaLagSource(Clock clock, Duration poll) {
    this(clock, poll, Admin::create);
  }

  /** With the admin clients made by {@code adminFactory}: tests count their calls. */
  KafkaLagSource(Clock clock, Duration poll, Function<Properties, Admin> adminFactory) {
    this.clock = clock;
    this.poll = poll;
    this.adminFactory = adminFactory;
    // Refreshes block on the brokers for up to the admin timeouts: a slow cluster must not hold up
    // the others, hence a few threads; clusters are few (one per bootstrap and credentials).
    this.scheduler =
        Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "lag-poller");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public LagReading read(Query query) throws Exception {
    while (true) {
      ClusterLag cluster = clusters.computeIfAbsent(query.cluster(), this::start);
      LagReading reading = cluster.read(query);
      if (reading != null) return reading;
      // Retired between lookup and read: the next lookup starts a fresh one.
    }
  }

  @Override
  public boolean onRefresh(Consumer<Set<Query>> listener) {
    listeners.add(listener);
    return true;
  }

  private ClusterLag start(KafkaEndpoint endpoint) {
    log.info("reading consumer lag from {} every {}s", endpoint, poll.toSeconds());
    return new ClusterLag(
        endpoint,
        () ->
            adminFactory.apply(
                KafkaClientSettings.properties(KafkaClientSettings.lagReader(endpoint))),
        clock,
        poll,
        scheduler,
        this::refreshed,
        c -> clusters.remove(endpoint, c));
  }

  private void refreshed(Set<Query> queries) {
    for (Consumer<Set<Query>> l : listeners) {
      try {
        l.accept(queries);
      } catch (RuntimeException e) {
        log.warn("a lag refresh listener failed: {}", e.toString());
      }
    }
  }

  /** Reads every known group of every cluster now, as the poll would: tests use it. */
  void refreshAll() {
    clusters.values().forEach(ClusterLag::refresh);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    clusters.values().forEach(ClusterLag::close);
    clusters.clear();
  }
}

package io.tributary.operator.kafka;

import io.tributary.operator.autoscale.LagReading;
import io.tributary.operator.autoscale.LagSource.Query;
import io.tributary.plan.KafkaEndpoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lag of every group asked about on one cluster (bootstrap servers and credentials), read
 * together: per refresh one describeTopics for all their topics, one listOffsets (latest,
 * read_committed) for all partitions, one listConsumerGroupOffsets for all groups, and one more
 * listOffsets (earliest) only for partitions some group never committed. The admin client groups
 * each call into one request per broker (per group coordinator for the offsets), so the cost grows
 * with brokers, not with jobs. A failure is kept per topic and per group: one job's missing topic
 * does not blind the others.
 */
final class ClusterLag {
  private static final Logger log = LoggerFactory.getLogger(ClusterLag.class);
  private static final long CALL_TIMEOUT_SECONDS = 10;

  private final KafkaEndpoint endpoint;
  private final Supplier<Admin> adminFactory;
  private final Clock clock;
  private final Duration poll;
  private final ScheduledExecutorService scheduler;
  private final Consumer<Set<Query>> refreshed;
  private final Consumer<ClusterLag> retired;

  /** When each query was last asked; queries not asked for a while are forgotten. */
  private final Map<Query, Instant> asked = new ConcurrentHashMap<>();

  private volatile Map<Query, Result> results = Map.of();
  private final AtomicBoolean soon = new AtomicBoolean();
  private final ScheduledFuture<?> periodic;
  private Admin admin;
  private volatile boolean closed;

  /** A reading, or why there is none. */
  private record Result(LagReading reading, Exception error) {}

  ClusterLag(
      KafkaEndpoint endpoint,
      Supplier<Admin> adminFactory,
      Clock clock,
      Duration poll,
      ScheduledExecutorService scheduler,
      Consumer<Set<Query>> refreshed,
      Consumer<ClusterLag> retired) {
    this.endpoint = endpoint;
    this.adminFactory = adminFactory;
    this.clock = clock;
    this.poll = poll;
    this.scheduler = scheduler;
    this.refreshed = refreshed;
    this.retired = retired;
    this.periodic =
        scheduler.scheduleWithFixedDelay(
            this::refresh, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The latest reading of {@code query}; null when this poller was retired (ask a new one).
   *
   * @throws Exception the broker's answer when the last refresh failed for this query, or when
   *     there is no reading yet or the last is too old
   */
  LagReading read(Query query) throws Exception {
    if (closed) return null;
    Instant now = clock.instant();
    asked.put(query, now);
    Result r = results.get(query);
    if (r == null) {
      refreshSoon();
      throw new LagNotReadYet("no reading of group " + query.group() + " yet");
    }
    if (r.error() != null) throw r.error();
    if (r.reading().at().isBefore(now.minus(poll.multipliedBy(3)))) {
      refreshSoon();
      throw new LagNotReadYet(
          "the last reading of group " + query.group() + " is from " + r.reading().at());
    }
    return r.reading();
  }

  /** A refresh shortly, shared by every new query that arrives until then. */
  private void refreshSoon() {
    if (closed || !soon.compareAndSet(false, true)) return;
    scheduler.schedule(
        () -> {
          soon.set(false);
          refresh();
        },
        KafkaLagSource.FIRST_READ_DELAY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Reads every group asked about recently, in one batch of admin calls. */
  synchronized void refresh() {
    if (closed) return;
    Instant start = clock.instant();
    // Jobs re-read at every poll; one not heard of for ten polls was deleted or moved.
    Instant forget = start.minus(poll.multipliedBy(10));
    asked.entrySet().removeIf(e -> e.getValue().isBefore(forget));
    Set<Query> queries = Set.copyOf(asked.keySet());
    if (queries.isEmpty()) {
      retire();
      return;
    }
    Map<Query, Result> out = new HashMap<>();
    try {
      out = readAll(queries);
    } catch (Exception e) {
      // The cluster as a whole did not answer (unreachable, authentication, a timeout).
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      log.debug("cannot read consumer lag from {}: {}", endpoint, e.toString());
      for (Query q : queries) out.put(q, new Result(null, e));
    }
    results = Map.copyOf(out);
    refreshed.accept(queries);
  }

  private Map<Query, Result> readAll(Set<Query> queries) throws Exception {
    Admin a = admin();
    Set<String> topics = new HashSet<>();
    queries.forEach(q -> topics.addAll(q.topics()));

    Map<String, KafkaFuture<TopicDescription>> described =
        a.describeTopics(topics).topicNameValues();
    Map<String, List<TopicPartition>> partitions = new HashMap<>();
    Map<String, Exception> failed = new HashMap<>();
    for (String topic : topics) {
      try {
        TopicDescription d = described.get(topic).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        partitions.put(
            topic,
            d.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList());
      } catch (ExecutionException e) {
        failed.put(topic, e);
      }
    }

    Instant at = clock.instant();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.values().forEach(ps -> ps.forEach(tp -> latest.put(tp, OffsetSpec.latest())));
    Map<TopicPartition, Long> ends = new HashMap<>();
    if (!latest.isEmpty()) {
      ListOffsetsResult listed =
          a.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED));
      for (TopicPartition tp : latest.keySet()) {
        try {
          ends.put(
              tp, listed.partitionResult(tp).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).offset());
        } catch (ExecutionException e) {
          failed.putIfAbsent(tp.topic(), e);
        }
      }
    }

    Map<String, Set<TopicPartition>> groups = new HashMap<>();
    for (Query q : queries) {
      Set<TopicPartition> tps = groups.computeIfAbsent(q.group(), g -> new HashSet<>());
      q.topics().forEach(t -> tps.addAll(partitions.getOrDefault(t, List.of())));
    }
    groups.values().removeIf(Set::isEmpty);
    Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
    groups.forEach(
        (g, tps) -> specs.put(g, new ListConsumerGroupOffsetsSpec().topicPartitions(tps)));
    Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
    Map<String, Exception> failedGroups = new HashMap<>();
    Set<TopicPartition> neverCommitted = new HashSet<>();
    if (!specs.isEmpty()) {
      ListConsumerGroupOffsetsResult offsets = a.listConsumerGroupOffsets(specs);
      for (String g : specs.keySet()) {
        try {
          Map<TopicPartition, OffsetAndMetadata> c =
              offsets.partitionsToOffsetAndMetadata(g).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
          committed.put(g, c);
          for (TopicPartition tp : groups.get(g)) {
            if (c.get(tp) == null) neverCommitted.add(tp);
          }
        } catch (ExecutionException e) {
          failedGroups.put(g, e);
        }
      }
    }

    // A group that never committed on a partition will start at its log start (or later): count
    // from there, not from offset 0, which retention may have deleted long ago.
    Map<TopicPartition, Long> starts = new HashMap<>();
    neverCommitted.retainAll(ends.keySet());
    if (!neverCommitted.isEmpty()) {
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      neverCommitted.forEach(tp -> earliest.put(tp, OffsetSpec.earliest()));
      ListOffsetsResult listed = a.listOffsets(earliest);
      for (TopicPartition tp : neverCommitted) {
        try {
          starts.put(
              tp, listed.partitionResult(tp).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).offset());
        } catch (ExecutionException e) {
          starts.put(tp, 0L);
        }
      }
    }

    Map<Query, Result> out = new HashMap<>();
    for (Query q : queries) {
      Exception error =
          q.topics().stream()
              .map(failed::get)
              .filter(e -> e != null)
              .findFirst()
              .orElse(failedGroups.get(q.group()));
      if (error != null) {
        out.put(q, new Result(null, error));
        continue;
      }
      long lag = 0;
      long position = 0;
      int count = 0;
      Map<TopicPartition, OffsetAndMetadata> c = committed.getOrDefault(q.group(), Map.of());
      for (String t : q.topics()) {
        for (TopicPartition tp : partitions.getOrDefault(t, List.of())) {
          long end = ends.get(tp);
          OffsetAndMetadata om = c.get(tp);
          long from = om != null ? om.offset() : starts.getOrDefault(tp, 0L);
          lag += Math.max(0, end - from);
          position += from;
          count++;
        }
      }
      out.put(q, new Result(new LagReading(at, lag, position, count), null));
    }
    return out;
  }

  private Admin admin() {
    if (admin == null) admin = adminFactory.get();
    return admin;
  }

  /** Nobody asks any more: stop polling and let the next query start afresh. */
  private void retire() {
    log.info(
        "no StreamJob reads consumer lag from {} any more: closing its admin client", endpoint);
    retired.accept(this); // first, so that no new read finds this one closed
    close();
  }

  synchronized void close() {
    closed = true;
    periodic.cancel(false);
    if (admin != null) admin.close(Duration.ofSeconds(5));
    admin = null;
  }

  /** There is no reading yet, or only an old one: the caller keeps the current size. */
  static final class LagNotReadYet extends Exception {
    LagNotReadYet(String message) {
      super(message);
    }
  }
}

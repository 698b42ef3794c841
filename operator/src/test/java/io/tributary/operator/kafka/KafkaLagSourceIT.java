package io.tributary.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tributary.operator.autoscale.LagReading;
import io.tributary.operator.autoscale.LagSource;
import io.tributary.plan.KafkaEndpoint;
import io.tributary.runtime.testing.KafkaBroker;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Consumer-group lag as the operator reads it, from a real broker. */
class KafkaLagSourceIT {
  /** Long enough that only the test's own refreshes run. */
  private static final Duration POLL = Duration.ofHours(1);

  private static KafkaBroker broker;

  @BeforeAll
  static void start() throws Exception {
    broker = KafkaBroker.start();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void lagIsEndOffsetsMinusCommittedAcrossPartitions() throws Exception {
    broker.createTopic("lag.orders", 3);
    for (int i = 0; i < 30; i++) broker.produce("lag.orders", "k" + i, "{\"i\":" + i + "}");
    try (KafkaLagSource source = new KafkaLagSource(Clock.systemUTC(), POLL)) {
      var fresh = query("g-new", "lag.orders");
      // Nothing is read on the caller's thread: until the first refresh there is no reading.
      assertThatThrownBy(() -> source.read(fresh)).isInstanceOf(ClusterLag.LagNotReadYet.class);
      source.refreshAll();
      // A group that never committed is behind by everything.
      LagReading r = source.read(fresh);
      assertThat(r.lag()).isEqualTo(30);
      assertThat(r.committed()).isZero();
      assertThat(r.partitions()).isEqualTo(3);

      // Commit part of each partition: lag is what is left, committed what was consumed.
      Map<TopicPartition, Long> ends = ends("lag.orders", 3);
      Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
      long expected = 0;
      for (var e : ends.entrySet()) {
        long at = e.getValue() / 2;
        committed.put(e.getKey(), new OffsetAndMetadata(at));
        expected += e.getValue() - at;
      }
      broker.admin().alterConsumerGroupOffsets("g-half", committed).all().get();
      var half = query("g-half", "lag.orders");
      assertThatThrownBy(() -> source.read(half)).isInstanceOf(ClusterLag.LagNotReadYet.class);
      source.refreshAll();
      assertThat(source.read(half).lag()).isEqualTo(expected);
      assertThat(source.read(half).committed()).isEqualTo(30 - expected);
    }
  }

  @Test
  void anUnknownTopicIsAnErrorNotZeroLagAndBlindsNoOtherJob() throws Exception {
    broker.createTopic("lag.known", 1);
    broker.produce("lag.known", "k", "{}");
    // The broker's own answer, not a timeout or a bug of ours: the autoscaler must be told the
    // topic does not exist rather than see zero lag and scale to nothing.
    try (KafkaLagSource source = new KafkaLagSource(Clock.systemUTC(), POLL)) {
      var missing = query("g", "no.such.topic");
      var known = query("g-known", "lag.known");
      askFirst(source, missing, known);
      source.refreshAll();
      assertThatThrownBy(() -> source.read(missing))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(UnknownTopicOrPartitionException.class)
          .hasMessageContaining("does not host this topic-partition");
      assertThat(source.read(known).lag()).isEqualTo(1);
    }
  }

  /**
   * A thousand StreamJobs on one cluster must not mean a thousand connections: sixty groups on six
   * topics are read by one admin client, with one call of each kind per refresh, and the broker
   * receives one offset-fetch request for all the groups.
   */
  @Test
  void manyJobsOnOneClusterShareOneAdminClientAndOneBatchOfCalls() throws Exception {
    int topics = 6;
    int groups = 60;
    for (int t = 0; t < topics; t++) {
      broker.createTopic("batch.t" + t, 4);
      try (var producer = broker.producer()) {
        for (int i = 0; i < 100; i++)
          producer.send(new ProducerRecord<>("batch.t" + t, "k" + i, "{}"));
      }
    }
    // Group g commits 2 * g records on partition 0 of its topic: each has its own lag.
    List<LagSource.Query> queries = new ArrayList<>();
    Map<LagSource.Query, Long> expectedLag = new HashMap<>();
    for (int g = 0; g < groups; g++) {
      String topic = "batch.t" + (g % topics);
      Map<TopicPartition, Long> ends = ends(topic, 4);
      long total = ends.values().stream().mapToLong(Long::longValue).sum();
      TopicPartition p0 = new TopicPartition(topic, 0);
      long at = Math.min(2L * g, ends.get(p0));
      broker
          .admin()
          .alterConsumerGroupOffsets("batch-g" + g, Map.of(p0, new OffsetAndMetadata(at)))
          .all()
          .get();
      var q = query("batch-g" + g, topic);
      queries.add(q);
      expectedLag.put(q, total - at);
    }

    CountingAdmins admins = new CountingAdmins();
    try (KafkaLagSource source = new KafkaLagSource(Clock.systemUTC(), POLL, admins)) {
      Set<LagSource.Query> told = ConcurrentHashMap.newKeySet();
      AtomicInteger refreshes = new AtomicInteger();
      source.onRefresh(
          q -> {
            refreshes.incrementAndGet();
            told.addAll(q);
          });
      long offsetFetchesBefore = brokerRequests("OffsetFetch");
      askFirst(source, queries.toArray(LagSource.Query[]::new));
      // The first asks schedule one refresh shortly, shared by every ask until it runs: wait
      // for it rather than refreshing by hand, which would race it. On a slow machine the asks
      // may straddle it (two refreshes); each refresh is still one batch of calls for all.
      await().atMost(Duration.ofSeconds(60)).until(() -> told.containsAll(queries));
      // A refresh asked for while the first ran may still be due: wait until none comes for a
      // second (it runs half a second after it is asked for).
      int[] seen = {-1};
      await()
          .pollInterval(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                int now = refreshes.get();
                boolean quiet = now == seen[0];
                seen[0] = now;
                return quiet;
              });
      int n = refreshes.get();
      assertThat(n).as("refreshes").isBetween(1, 3);
      long offsetFetches = brokerRequests("OffsetFetch") - offsetFetchesBefore;
      for (var q : queries) {
        assertThat(source.read(q).lag()).as(q.group()).isEqualTo(expectedLag.get(q));
      }

      assertThat(told).containsExactlyInAnyOrderElementsOf(queries);
      assertThat(admins.created).hasSize(1);
      assertThat(admins.calls)
          .containsEntry("describeTopics", n)
          .containsEntry("listConsumerGroupOffsets", n)
          // End offsets, and log starts of the partitions the groups never committed on.
          .containsEntry("listOffsets", 2 * n);
      assertThat(offsetFetches).as("OffsetFetch requests the broker received").isEqualTo(n);
      // The admin client's connections: the bootstrap one and the one broker's.
      assertThat(admins.connections()).isLessThanOrEqualTo(2);

      // The next refresh costs the same, however many jobs read in between.
      for (int i = 0; i < 5; i++) for (var q : queries) source.read(q);
      source.refreshAll();
      assertThat(admins.created).hasSize(1);
      assertThat(admins.calls)
          .containsEntry("describeTopics", n + 1)
          .containsEntry("listOffsets", 2 * n + 2);
    }
  }

  /** Asks for each query once, as a job's first reconcile does; there is no reading yet. */
  private static void askFirst(KafkaLagSource source, LagSource.Query... queries) {
    for (var q : queries) {
      assertThatThrownBy(() -> source.read(q)).isInstanceOf(ClusterLag.LagNotReadYet.class);
    }
  }

  private static LagSource.Query query(String group, String topic) {
    return new LagSource.Query(
        KafkaEndpoint.plain(broker.bootstrapServers()), group, List.of(topic));
  }

  private static Map<TopicPartition, Long> ends(String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < partitions; p++)
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    Map<TopicPartition, Long> out = new HashMap<>();
    broker.admin().listOffsets(latest).all().get().forEach((tp, r) -> out.put(tp, r.offset()));
    return out;
  }

  /** Requests of one kind the in-JVM broker has received, from its JMX request metrics. */
  private static long brokerRequests(String request) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    long n = 0;
    for (ObjectName name :
        server.queryNames(
            new ObjectName(
                "kafka.network:type=RequestMetrics,name=RequestsPerSec,request=" + request + ",*"),
            null)) {
      n += ((Number) server.getAttribute(name, "Count")).longValue();
    }
    return n;
  }

  /** Makes real admin clients and counts them and the calls made on them. */
  private static final class CountingAdmins implements Function<Properties, Admin> {
    final List<Admin> created = new CopyOnWriteArrayList<>();
    final Map<String, Integer> calls = new ConcurrentHashMap<>();

    @Override
    public Admin apply(Properties props) {
      Admin real = Admin.create(props);
      created.add(real);
      return (Admin)
          Proxy.newProxyInstance(
              Admin.class.getClassLoader(),
              new Class<?>[] {Admin.class},
              (proxy, method, args) -> {
                calls.merge(method.getName(), 1, Integer::sum);
                try {
                  return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }

    /** Open connections of the admin clients, from their own network metrics. */
    int connections() {
      AtomicInteger n = new AtomicInteger();
      for (Admin a : created) {
        a.metrics()
            .forEach(
                (name, metric) -> {
                  if (name.name().equals("connection-count")) {
                    n.addAndGet(((Number) metric.metricValue()).intValue());
                  }
                });
      }
      return n.get();
    }
  }
}

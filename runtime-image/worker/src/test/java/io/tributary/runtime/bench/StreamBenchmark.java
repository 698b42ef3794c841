package io.tributary.runtime.bench;

import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.runtime.Secrets;
import io.tributary.runtime.stream.StreamSettings;
import io.tributary.runtime.stream.StreamWorker;
import io.tributary.runtime.testing.KafkaBroker;
import io.tributary.runtime.testing.TestPlans;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Not a test. On one in-JVM broker, in one run: (1) a raw kafka-clients consume → produce copy,
 * at-least-once; (2) the Tributary worker, exactly-once, filter + mask + derive; (3) Kafka Streams,
 * exactly_once_v2, the same topology. Prints records/s, the ratios (2)/(1) and (2)/(3), and p50/p99
 * end-to-end latency of (2) and (3) at a fixed input rate.
 *
 * <p>Throughput is measured between the moments the group's committed offsets pass 5% and 100% of
 * the input, so start-up and group joins do not count. Run with runtime-image/worker/bench.sh.
 */
public final class StreamBenchmark {
  private static final byte[] KEY = "bench-mask-key".getBytes(StandardCharsets.UTF_8);
  private static final int PARTITIONS = 6;

  private final KafkaBroker kafka;
  private final long commitMs;
  private final int threads;

  private StreamBenchmark(KafkaBroker kafka, long commitMs, int threads) {
    this.kafka = kafka;
    this.commitMs = commitMs;
    this.threads = threads;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int records = Integer.parseInt(opts.getOrDefault("records", "300000"));
    int rate = Integer.parseInt(opts.getOrDefault("rate", "2000"));
    int latencySeconds = Integer.parseInt(opts.getOrDefault("latency-seconds", "20"));
    long commitMs = Long.parseLong(opts.getOrDefault("commit-ms", "100"));
    String only = opts.getOrDefault("only", "raw,tributary,streams,latency");
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
    int threads = Integer.parseInt(opts.getOrDefault("threads", "1"));
    int warmupSeconds = Integer.parseInt(opts.getOrDefault("warmup-seconds", "5"));

    System.out.printf(
        Locale.ROOT,
        "machine: %d cores, %d MiB max heap, %s %s%n",
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"));
    System.out.printf(
        Locale.ROOT,
        "input: %,d records of ~%d bytes over %d partitions; commit interval %d ms; %d thread(s)"
            + " per pipeline%n",
        records,
        BenchRecords.value(1).length,
        PARTITIONS,
        commitMs,
        threads);

    try (KafkaBroker kafka = KafkaBroker.start()) {
      StreamBenchmark bench = new StreamBenchmark(kafka, commitMs, threads);
      kafka.createTopic("bench-in", PARTITIONS);
      long t0 = System.nanoTime();
      bench.produce("bench-in", records);
      System.out.printf(Locale.ROOT, "produced input in %.1f s%n", (System.nanoTime() - t0) / 1e9);

      // The machine is shared: interleave the three pipelines round by round and compare within
      // a round, then take medians.
      List<double[]> results = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        double[] r = new double[3];
        String[] kinds = {"raw", "tributary", "streams"};
        for (int k = 0; k < 3; k++) {
          r[k] = only.contains(kinds[k]) ? bench.throughput(kinds[k], round, records) : Double.NaN;
        }
        results.add(r);
      }

      System.out.println();
      System.out.println(
          "| round | (1) raw copy, at-least-once | (2) Tributary, exactly-once |"
              + " (3) Kafka Streams, exactly_once_v2 | (2)/(1) | (2)/(3) |");
      System.out.println("|---|---:|---:|---:|---:|---:|");
      for (int i = 0; i < results.size(); i++) {
        double[] r = results.get(i);
        System.out.printf(
            Locale.ROOT,
            "| %d | %,.0f | %,.0f | %,.0f | %.2f | %.2f |%n",
            i + 1,
            r[0],
            r[1],
            r[2],
            r[1] / r[0],
            r[1] / r[2]);
      }
      System.out.printf(
          Locale.ROOT,
          "| median | %,.0f | %,.0f | %,.0f | %.2f | %.2f |%n",
          median(results, r -> r[0]),
          median(results, r -> r[1]),
          median(results, r -> r[2]),
          median(results, r -> r[1] / r[0]),
          median(results, r -> r[1] / r[2]));
      System.out.println(
          "targets (issue #9): (2)/(1) >= 0.6, (2)/(3) >= 2.0 (records/s, filter+mask+derive)");

      if (only.contains("latency")) {
        double[] lt = bench.latency("tributary", rate, warmupSeconds, latencySeconds);
        double[] ls = bench.latency("streams", rate, warmupSeconds, latencySeconds);
        System.out.printf(
            Locale.ROOT,
            "%nend-to-end latency at %,d records/s for %d s (after %d s warm-up):%n",
            rate,
            latencySeconds,
            warmupSeconds);
        System.out.println("| pipeline | p50 ms | p99 ms |");
        System.out.println("|---|---:|---:|");
        System.out.printf(Locale.ROOT, "| (2) Tributary | %.0f | %.0f |%n", lt[0], lt[1]);
        System.out.printf(Locale.ROOT, "| (3) Kafka Streams | %.0f | %.0f |%n", ls[0], ls[1]);
      }
    }
    System.exit(0);
  }

  private static double median(
      List<double[]> rows, java.util.function.ToDoubleFunction<double[]> f) {
    double[] v = rows.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(128 * 1024));
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private void produce(String topic, int n) {
    try (KafkaProducer<byte[], byte[]> p = producer()) {
      for (int i = 0; i < n; i++) {
        p.send(new ProducerRecord<>(topic, BenchRecords.key(i), BenchRecords.value(i)));
      }
      p.flush();
    }
  }

  /** Starts pipeline {@code kind} on {@code input}; the handle stops it. */
  private AutoCloseable start(String kind, String input, String output, String group)
      throws Exception {
    switch (kind) {
      case "raw" -> {
        List<RawCopy> copies = new ArrayList<>();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          RawCopy copy = new RawCopy(kafka.bootstrapServers(), input, output, group, commitMs);
          copies.add(copy);
          ts.add(new Thread(copy, "raw-copy-" + i));
        }
        ts.forEach(Thread::start);
        return () -> {
          copies.forEach(RawCopy::stop);
          for (Thread t : ts) {
            t.join();
          }
        };
      }
      case "tributary" -> {
        StreamWorker worker = tributary(input, output, group);
        Thread t = new Thread(worker::runUntilStopped, "tributary");
        t.start();
        return () -> {
          worker.stopAndWait();
          t.join();
        };
      }
      default -> {
        KafkaStreams streams =
            StreamsTopology.build(
                kafka.bootstrapServers(), group, input, output, KEY, commitMs, threads);
        streams.start();
        return () -> streams.close(Duration.ofSeconds(30));
      }
    }
  }

  private StreamWorker tributary(String input, String output, String group) throws Exception {
    Path secrets = Files.createTempDirectory("bench-secrets");
    Files.createDirectories(secrets.resolve("mask-key"));
    Files.write(secrets.resolve("mask-key/key"), KEY);
    String json =
        "{\"planVersion\":1,\"kind\":\"StreamJob\",\"pipeline\":{\"namespace\":\"bench\","
            + "\"name\":\""
            + group
            + "\",\"uid\":\"u\"},\"metricsPort\":0,\"commitInterval\":\""
            + commitMs
            + "ms\",\"secretsDir\":\""
            + secrets
            + "\",\"guarantee\":\"exactly-once\",\"threads\":"
            + threads
            + ","
            + "\"source\":{\"kafka\":{\"bootstrapServers\":\""
            + kafka.bootstrapServers()
            + "\",\"topics\":[\""
            + input
            + "\"],\"consumerGroup\":\"tributary-bench-"
            + group
            + "\"}},\"sink\":{\"kafka\":{\"bootstrapServers\":\""
            + kafka.bootstrapServers()
            + "\",\"topic\":\""
            + output
            + "\"}},\"schema\":{\"fields\":[{\"name\":\"amount\",\"type\":\"number\"},"
            + "{\"name\":\"email\",\"type\":\"string\"}]},"
            + "\"transforms\":[{\"filter\":{\"expression\":\"amount > 5.0\"}},"
            + "{\"mask\":{\"keySecretRef\":{\"name\":\"mask-key\",\"key\":\"key\"},"
            + "\"fields\":[{\"field\":\"email\",\"method\":\"hmac\"}]}},"
            + "{\"derive\":{\"fields\":[{\"name\":\"amount_aed\",\"expression\":\"amount * 3.67\"}]}}]}";
    WorkerPlan plan = TestPlans.compile(json);
    Secrets s = Secrets.fromDir(secrets);
    return new StreamWorker(StreamSettings.from(plan, s), plan, s, group);
  }

  /** records/s between 5% and 100% of the input committed by the group. */
  private double throughput(String kind, int round, int records) throws Exception {
    String group = "bench-" + kind + "-" + round;
    kafka.createTopic("out-" + group, PARTITIONS);
    try (Admin admin = kafka.admin();
        AutoCloseable running = start(kind, "bench-in", "out-" + group, group)) {
      long t5 = 0;
      while (true) {
        long committed = committed(admin, group);
        long now = System.nanoTime();
        if (t5 == 0 && committed >= records / 20) {
          t5 = now;
        }
        if (committed >= records) {
          double rate = (records - records / 20) / ((now - t5) / 1e9);
          System.out.printf(Locale.ROOT, "round %d %s: %,.0f records/s%n", round, kind, rate);
          return rate;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
    }
  }

  private static long committed(Admin admin, String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    return offsets.values().stream()
        .filter(o -> o != null)
        .mapToLong(OffsetAndMetadata::offset)
        .sum();
  }

  /** p50 and p99 in ms of output time minus input time, at {@code rate} records/s. */
  private double[] latency(String kind, int rate, int warmup, int seconds) throws Exception {
    String in = "lat-in-" + kind;
    String out = "lat-out-" + kind;
    kafka.createTopic(in, PARTITIONS);
    kafka.createTopic(out, PARTITIONS);
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean reading = new AtomicBoolean(true);
    AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE);
    Thread reader = new Thread(() -> read(out, latencies, reading, measureFrom), "latency-reader");
    reader.start();
    try (Admin admin = kafka.admin();
        AutoCloseable running = start(kind, in, out, "lat-" + kind)) {
      // Warm up until the pipeline owns its partitions and has committed once.
      try (KafkaProducer<byte[], byte[]> p = producer()) {
        p.send(new ProducerRecord<>(in, BenchRecords.key(0), BenchRecords.value(0))).get();
      }
      while (committed(admin, "lat-" + kind) < 1) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
      latencies.clear();
      int total = rate * (warmup + seconds);
      int firstMeasured = rate * warmup + 1;
      long start = System.nanoTime();
      try (KafkaProducer<byte[], byte[]> p = producer()) {
        for (int i = 1; i <= total; i++) {
          long due = start + (long) (i * 1e9 / rate);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
          if (i == firstMeasured) {
            measureFrom.set(System.currentTimeMillis());
          }
          p.send(new ProducerRecord<>(in, BenchRecords.key(i), BenchRecords.value(i)));
        }
      }
      while (committed(admin, "lat-" + kind) < total + 1) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
      LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
    }
    reading.set(false);
    reader.join();
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    return new double[] {
      sorted.get(sorted.size() / 2),
      sorted.get((int) Math.min(sorted.size() - 1, sorted.size() * 0.99))
    };
  }

  private void read(
      String topic, List<Long> latencies, AtomicBoolean reading, AtomicLong measureFrom) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (int i = 0; i < PARTITIONS; i++) {
        parts.add(new TopicPartition(topic, i));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      while (reading.get()) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(20))) {
          if (r.timestamp() >= measureFrom.get()) {
            latencies.add(System.currentTimeMillis() - r.timestamp());
          }
        }
      }
    }
  }
}

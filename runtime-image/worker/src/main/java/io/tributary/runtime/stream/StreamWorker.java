package io.tributary.runtime.stream;

import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.runtime.KafkaRefusal;
import io.tributary.runtime.Secrets;
import io.tributary.runtime.TerminationMessage;
import io.tributary.runtime.batch.SecretFiles;
import io.tributary.runtime.batch.sink.IcebergTables;
import io.tributary.runtime.featurestore.FeatureStore;
import io.tributary.runtime.lineage.LineageEmitter;
import io.tributary.runtime.mqtt.MqttBridge;
import io.tributary.runtime.mqtt.MqttEndpoint;
import io.tributary.runtime.ops.OpsServer;
import io.tributary.runtime.ops.WorkerMetrics;
import io.tributary.runtime.transform.DeadLetterMask;
import io.tributary.runtime.transform.TransformChain;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The StreamJob engine: prepares topics, starts the metrics server and one {@link StreamLoop} per
 * thread, and stops them cleanly on SIGTERM (each finishes or aborts its open transaction and
 * leaves the group) within the grace period.
 */
public final class StreamWorker {
  private static final Logger LOG = LoggerFactory.getLogger(StreamWorker.class);

  /** Kubernetes' default terminationGracePeriodSeconds is 30; leave room to exit. */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(25);

  static final Duration LINEAGE_HEARTBEAT = Duration.ofMinutes(1);

  private final StreamSettings settings;
  private final WorkerPlan plan;
  private final Secrets secrets;
  private final String instanceId;
  private final List<StreamLoop> loops = new CopyOnWriteArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile boolean bridgeFailed;
  private MqttBridge bridge;
  private volatile WorkerMetrics metrics;
  private volatile OpsServer ops;

  /** A worker that runs on the caller's thread in {@link #runUntilStopped()}. */
  public StreamWorker(
      StreamSettings settings, WorkerPlan plan, Secrets secrets, String instanceId) {
    this.settings = settings;
    this.plan = plan;
    this.secrets = secrets;
    this.instanceId = instanceId;
  }

  /** Runs until SIGTERM or a fatal error; returns the exit code. */
  public static int run(StreamSettings settings, WorkerPlan plan, Secrets secrets) {
    StreamWorker worker = new StreamWorker(settings, plan, secrets, instanceId());
    Thread hook = new Thread(worker::stopAndWait, "shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    return worker.runUntilStopped();
  }

  /** Runs until {@link #stopAndWait()} or a fatal error; returns the exit code. */
  public int runUntilStopped() {
    MDC.put("pipeline.namespace", settings.pipelineNamespace());
    MDC.put("pipeline.name", settings.pipelineName());
    WorkerMetrics m = new WorkerMetrics(settings.pipelineNamespace(), settings.pipelineName());
    metrics = m;
    TransformChain template =
        TransformChain.compile(
            plan,
            secrets,
            TransformChain.Options.defaults().withDrops(m::dropped).withInference(m));
    DeadLetterMask deadLetterMask = DeadLetterMask.compile(plan, secrets);
    try (OpsServer ops =
        new OpsServer(
            settings.metricsPort(),
            metrics.registry(),
            () -> loops.stream().allMatch(l -> l.failure() == null),
            () -> !loops.isEmpty() && loops.stream().allMatch(StreamLoop::ready))) {
      this.ops = ops;
      LOG.info(
          "stream worker starting: {} -> {} ({}), metrics on port {}",
          settings.inputTopics(),
          settings.sinkName(),
          settings.guarantee().wireName(),
          ops.port());
      if (settings.mqtt() != null) Topics.ensureIngestTopic(settings);
      int partitions = StateChangelog.partitionsNeeded(Topics.inputPartitions(settings));
      int changelogPartitions =
          Topics.ensureOutputTopics(settings, partitions, template.isStateful());
      template.awaitReady(Duration.ofSeconds(120));
      StateChangelog changelog = new StateChangelog(settings.changelogTopic(), changelogPartitions);
      Records records = records(settings, deadLetterMask);
      if (settings.lake() != null) {
        try {
          LakeStream.prepareTable(settings, new SecretFiles(secrets));
        } catch (IcebergTables.Refused e) {
          LOG.error("stream worker cannot start: {}", e.getMessage());
          return stopped(
              false,
              "sink.lake.iceberg: table "
                  + settings.lake().iceberg().table()
                  + " cannot take spec.schema, nothing was written: "
                  + e.getMessage());
        }
      }
      metrics.lagSource(() -> loops.stream().mapToLong(StreamLoop::lag).sum());
      metrics.stateEntriesSource(() -> loops.stream().mapToLong(StreamLoop::stateEntries).sum());

      // Started before the loops, so a broker that refuses the connection stops the worker
      // before it reads anything; a bridge that fails later stops every loop.
      bridge = startBridge();
      int threads = settings.threads();
      List<Thread> threadList = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        StreamLoop loop =
            new StreamLoop(
                settings,
                template,
                metrics,
                changelog,
                records,
                instanceId + "-" + i,
                featureStore(settings, secrets),
                lake(settings, secrets, instanceId + "-" + i));
        loops.add(loop);
        if (stopping || bridgeFailed) {
          loop.stop(); // SIGTERM during start-up: start, find nothing to do, leave
        }
        // A loop that ends on its own (halted, failed) takes the others with it: a worker with
        // a dead loop would hold its partitions without reading them.
        Thread t =
            new Thread(
                () -> {
                  loop.run();
                  if (loop.failure() != null) loops.forEach(StreamLoop::stop);
                },
                "stream-" + i);
        threadList.add(t);
      }
      // Lineage: START now, RUNNING every minute with the records written, COMPLETE or FAIL.
      try (LineageEmitter lineage = LineageEmitter.create(plan, null)) {
        lineage.start();
        Throwable failure;
        try (AutoCloseable heartbeat =
            lineage.runningEvery(LINEAGE_HEARTBEAT, () -> (long) metrics.recordsOut.get())) {
          threadList.forEach(Thread::start);
          for (Thread t : threadList) {
            t.join();
          }
          failure =
              loops.stream()
                  .map(StreamLoop::failure)
                  .filter(f -> f != null)
                  .findFirst()
                  .orElse(null);
          if (failure == null && bridge != null) failure = bridge.failure();
        }
        if (failure != null) lineage.fail(failure.getMessage());
        else lineage.complete(null);
        if (failure instanceof StreamLoop.HaltException h) {
          LOG.error("stopping: {}", failure.getMessage());
          TerminationMessage.write(
              TerminationMessage.failure(null, false, failure.getMessage()).withHalt(h.halt()),
              TerminationMessage.path());
          return ExitCodes.PERMANENT;
        }
        if (failure instanceof FeatureStore.StoreFailure f
            && f.refusal() == FeatureStore.Refusal.PERMANENT) {
          // Redis refuses every write the same way (no permission, an unknown command).
          return stopped(false, failure.getMessage());
        }
        if (failure != null) {
          return stopped(true, KafkaRefusal.describe(failure).orElse(failure.getMessage()));
        }
      }
      LOG.info("stream worker stopped");
      return ExitCodes.OK;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCodes.RETRYABLE;
    } catch (Exception e) {
      LOG.error("stream worker cannot start: {}", e.toString());
      return stopped(
          true, "cannot start: " + KafkaRefusal.describe(e).orElse(String.valueOf(e.getMessage())));
    } finally {
      if (bridge != null) bridge.close();
      template.close();
      stopped.countDown();
    }
  }

  /**
   * The MQTT bridge into the ingest topic, or null without an MQTT source. Its failure (Kafka
   * refused a write) stops every loop: the worker exits and its successor gets the messages the
   * broker holds for its session.
   */
  private MqttBridge startBridge() {
    MqttEndpoint endpoint = settings.mqttEndpoint(secrets, instanceId);
    if (endpoint == null) return null;
    return MqttBridge.start(
        endpoint,
        settings.inputTopics().get(0),
        KafkaClients.mqttIngestProducer(settings, instanceId + "-mqtt"),
        e -> {
          bridgeFailed = true;
          loops.forEach(StreamLoop::stop);
        });
  }

  /** Each loop's own connection to the feature store, or null with a Kafka sink. */
  private static FeatureStore<StreamLoop.DeadLetterFor> featureStore(
      StreamSettings s, Secrets secrets) {
    return s.featureStore() == null
        ? null
        : new FeatureStore<>(s.featureStore(), s.featureStorePassword(secrets), s.sinkSchema());
  }

  /** Each loop's own connection to the lake sink's catalog and table, or null. */
  private static LakeStream lake(StreamSettings s, Secrets secrets, String writer) {
    return s.lake() == null ? null : LakeStream.open(s, new SecretFiles(secrets), writer);
  }

  /**
   * What the producer may send to the output and dead-letter topics: the smaller of its own
   * max.request.size and each topic's max.message.bytes.
   */
  private static Records records(StreamSettings s, DeadLetterMask mask) throws Exception {
    Object configured =
        KafkaClients.producer(s, "limits", null).get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    int request =
        configured == null ? Records.DEFAULT_MAX_BYTES : Integer.parseInt(configured.toString());
    List<String> written =
        s.outputTopic() == null
            ? List.of(s.deadLetterTopic())
            : List.of(s.outputTopic(), s.deadLetterTopic());
    Map<String, Integer> topics = Topics.maxMessageBytes(s, written);
    int out = Math.min(request, topics.getOrDefault(s.outputTopic(), request));
    int dlq = Math.min(request, topics.getOrDefault(s.deadLetterTopic(), request));
    LOG.info(
        "largest record: {} bytes to {}, {} bytes to {}",
        out,
        s.outputTopic(),
        dlq,
        s.deadLetterTopic());
    return new Records(s.outputTopic(), s.deadLetterTopic(), s.keyField(), out, dlq, mask);
  }

  /**
   * Reports why the worker stopped in the termination message, so the StreamJob's status shows the
   * reason and not only an exit code, and returns the exit code.
   */
  private static int stopped(boolean retryable, String message) {
    TerminationMessage.write(
        TerminationMessage.failure(null, retryable, message), TerminationMessage.path());
    return retryable ? ExitCodes.RETRYABLE : ExitCodes.PERMANENT;
  }

  public WorkerMetrics metrics() {
    return metrics;
  }

  /** The port of /metrics, /healthz and /readyz once started, else -1. */
  int opsPort() {
    OpsServer o = ops;
    return o == null ? -1 : o.port();
  }

  /** Stops the loops as SIGTERM does and waits up to the grace period. */
  public void stopAndWait() {
    if (stopping) {
      return;
    }
    stopping = true;
    LOG.info("stopping: finishing open transactions and leaving the group");
    loops.forEach(StreamLoop::stop);
    try {
      if (!stopped.await(SHUTDOWN_GRACE.toSeconds(), TimeUnit.SECONDS)) {
        LOG.warn("not stopped within {}; exiting anyway", SHUTDOWN_GRACE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A stable identity for this worker: a restarted container in the same pod gets the same
   * transactional id, which fences its predecessor and aborts its open transaction at once.
   */
  static String instanceId() {
    String id = System.getenv("TRIBUTARY_INSTANCE_ID");
    if (id == null || id.isBlank()) {
      id = System.getenv("POD_NAME"); // set by the operator from metadata.name
    }
    if (id == null || id.isBlank()) {
      id = System.getenv("HOSTNAME");
    }
    if (id == null || id.isBlank()) {
      try {
        id = InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        id = UUID.randomUUID().toString();
      }
    }
    return id;
  }
}

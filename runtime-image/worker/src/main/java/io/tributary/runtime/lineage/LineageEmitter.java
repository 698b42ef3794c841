package io.tributary.runtime.lineage;

import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineage.RunEvent.EventType;
import io.openlineage.client.OpenLineageClient;
import io.openlineage.client.transports.ConsoleTransport;
import io.openlineage.client.transports.HttpConfig;
import io.openlineage.client.transports.HttpTransport;
import io.openlineage.client.transports.KafkaConfig;
import io.openlineage.client.transports.KafkaTransport;
import io.openlineage.client.transports.Transport;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.plan.KafkaClientSettings;
import io.tributary.plan.KafkaEndpoint;
import io.tributary.runtime.Secrets;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits the OpenLineage run events of one worker: START, RUNNING (periodically, for stream workers:
 * {@link #runningEvery}), COMPLETE and FAIL, with the input and output datasets, their schema
 * facets and the output's column-lineage facet (masked fields marked {@code masking}).
 *
 * <p>Lineage never fails a run: a transport error is logged and the event dropped. The run id is a
 * name-based UUID of the plan's run id, so every attempt of a run reports as the same run.
 *
 * <p>Use from a stream worker:
 *
 * <pre>{@code
 * LineageEmitter lineage = LineageEmitter.create(plan, null);
 * lineage.start();
 * AutoCloseable heartbeat = lineage.runningEvery(Duration.ofMinutes(1), recordsWritten::get);
 * ... on shutdown: heartbeat.close(); lineage.complete(null); lineage.close();
 * }</pre>
 */
public final class LineageEmitter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LineageEmitter.class);
  static final URI PRODUCER = URI.create("https://github.com/tributary-io/tributary/runtime");

  private final OpenLineageClient client;
  private final LineageEvents events;
  private ScheduledExecutorService heartbeat;

  LineageEmitter(OpenLineageClient client, LineageEvents events) {
    this.client = client;
    this.events = events;
  }

  /**
   * The emitter the plan's {@code lineage} asks for; a no-op one for transport {@code none} or no
   * lineage config.
   *
   * @param runId the batch run id; null for a stream worker (a fresh run per worker process)
   */
  public static LineageEmitter create(WorkerPlan plan, String runId) {
    WorkerPlan.LineageConfig config = plan.lineage();
    Transport transport;
    try {
      transport = config == null ? null : transport(config, plan);
    } catch (RuntimeException e) {
      // Lineage is reporting, never part of the work: a transport that cannot be set up (a URL
      // that does not parse) turns lineage off instead of keeping the worker from starting.
      LOG.warn("lineage is off, its transport cannot be set up: {}", e.toString());
      transport = null;
    }
    UUID run =
        runId != null
            ? UUID.nameUUIDFromBytes(runId.getBytes(StandardCharsets.UTF_8))
            : UUID.randomUUID();
    OpenLineageClient client =
        transport == null ? null : OpenLineageClient.builder().transport(transport).build();
    return new LineageEmitter(client, new LineageEvents(plan, run));
  }

  static Transport transport(WorkerPlan.LineageConfig c, WorkerPlan plan) {
    String kind = c.transport() == null ? "none" : c.transport();
    switch (kind) {
      case "console":
        return new ConsoleTransport();
      case "http":
        {
          URI u = URI.create(c.url());
          HttpConfig h = new HttpConfig();
          String path = u.getPath();
          if (path != null && !path.isEmpty() && !"/".equals(path)) {
            h.setUrl(URI.create(u.getScheme() + "://" + u.getAuthority()));
            h.setEndpoint(path);
          } else {
            h.setUrl(u);
          }
          h.setTimeoutInMillis(5000);
          return new HttpTransport(h);
        }
      case "kafka":
        {
          // The plan's lineage settings name no Secret: on the source's or sink's cluster events go
          // with that cluster's security settings, elsewhere without (KafkaEndpoint.lineage).
          Secrets secrets = Secrets.fromPlan(plan);
          KafkaEndpoint cluster =
              KafkaEndpoint.lineage(
                  c, plan.source(), plan.sink(), (ref, field) -> secrets.readString(ref));
          Properties p =
              KafkaClientSettings.properties(KafkaClientSettings.lineageProducer(cluster));
          return new KafkaTransport(new KafkaConfig(c.topic(), null, p));
        }
      default:
        return null;
    }
  }

  public void start() {
    emit(() -> events.event(EventType.START, null, null));
  }

  /** A RUNNING event; {@code recordsWritten} goes into the output statistics facet. */
  public void running(Long recordsWritten) {
    emit(() -> events.event(EventType.RUNNING, recordsWritten, null));
  }

  /**
   * Emits RUNNING every {@code period} until the returned handle is closed.
   *
   * @param recordsWritten how many records the worker has written so far
   */
  public synchronized AutoCloseable runningEvery(Duration period, LongSupplier recordsWritten) {
    if (heartbeat != null) {
      throw new IllegalStateException("runningEvery is already scheduled");
    }
    ScheduledExecutorService s =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lineage-running");
              t.setDaemon(true);
              return t;
            });
    s.scheduleAtFixedRate(
        () -> running(recordsWritten.getAsLong()),
        period.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
    heartbeat = s;
    return () -> stopHeartbeat();
  }

  private synchronized void stopHeartbeat() {
    if (heartbeat != null) {
      heartbeat.shutdownNow();
      heartbeat = null;
    }
  }

  /** COMPLETE, with the summary's written count; {@code summary} may be null for streams. */
  public void complete(RunSummary summary) {
    emit(
        () ->
            events.event(
                EventType.COMPLETE, summary == null ? null : summary.recordsWritten(), null));
  }

  /** FAIL, with the summary's message as the error message facet. */
  public void fail(RunSummary summary) {
    fail(summary.message());
  }

  public void fail(String message) {
    emit(() -> events.event(EventType.FAIL, null, message == null ? "failed" : message));
  }

  /**
   * Builds and sends one event. Whatever either throws is logged: lineage can neither fail a run,
   * stop a stream, nor keep a run summary from being written.
   */
  private void emit(Supplier<OpenLineage.RunEvent> event) {
    if (client == null) {
      return;
    }
    try {
      client.emit(event.get());
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("lineage: event not delivered: {}", e.toString());
    }
  }

  /** The events this emitter would send, for callers that want to inspect them. */
  LineageEvents events() {
    return events;
  }

  @Override
  public void close() {
    stopHeartbeat();
    if (client != null) {
      try {
        client.close();
      } catch (Exception e) {
        LOG.warn("lineage: closing the transport failed: {}", e.toString());
      }
    }
  }

  static ZonedDateTime now() {
    return ZonedDateTime.now(ZoneOffset.UTC);
  }
}

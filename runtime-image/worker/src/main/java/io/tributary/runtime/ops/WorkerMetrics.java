package io.tributary.runtime.ops;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tributary.runtime.transform.InferenceObserver;
import java.util.function.LongSupplier;

/**
 * The worker's Prometheus metrics, all prefixed {@code tributary_worker_} and labelled with the
 * pipeline's namespace and name; one set for both engines (a DataPipeline run serves the record
 * counters too, while it runs). Hot-path data points are bound once, so counting a record costs an
 * add, not a label lookup.
 */
public final class WorkerMetrics implements InferenceObserver {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final String namespace;
  private final String name;
  private final Counter rejected;
  private final Counter deadLettered;
  private final Counter dropped;
  private final Counter rebalances;
  private final Counter stateEvictions;
  private final Counter events;
  private final Histogram inferenceBatch;
  private final Histogram inferenceLatency;
  private final io.prometheus.metrics.core.metrics.Gauge inferenceProvider;

  public final CounterDataPoint recordsIn;
  public final CounterDataPoint recordsOut;
  public final DistributionDataPoint processingLatency;
  public final CounterDataPoint transactionsCommitted;
  public final CounterDataPoint transactionsAborted;
  public final CounterDataPoint sinkRetries;

  private volatile LongSupplier lag = () -> 0;
  private volatile LongSupplier stateEntries = () -> 0;

  public WorkerMetrics(String namespace, String name) {
    this.namespace = namespace;
    this.name = name;
    String[] labels = {"namespace", "name"};
    recordsIn =
        Counter.builder()
            .name("tributary_worker_records_in_total")
            .help("Records read from the source.")
            .labelNames(labels)
            .register(registry)
            .labelValues(namespace, name);
    recordsOut =
        Counter.builder()
            .name("tributary_worker_records_out_total")
            .help("Records written to the sink.")
            .labelNames(labels)
            .register(registry)
            .labelValues(namespace, name);
    rejected =
        Counter.builder()
            .name("tributary_worker_records_rejected_total")
            .help(
                "Records rejected (reading, a transform, writing), by the step that rejected them"
                    + " (source, a transform's name, sink).")
            .labelNames("namespace", "name", "step")
            .register(registry);
    deadLettered =
        Counter.builder()
            .name("tributary_worker_records_dead_lettered_total")
            .help(
                "Rejected records written to the dead-letter destination, by the step that"
                    + " rejected them.")
            .labelNames("namespace", "name", "step")
            .register(registry);
    dropped =
        Counter.builder()
            .name("tributary_worker_records_dropped_total")
            .help("Records a validate step with onInvalid drop discarded, by step.")
            .labelNames("namespace", "name", "step")
            .register(registry);
    processingLatency =
        Histogram.builder()
            .name("tributary_worker_processing_latency_seconds")
            .help(
                "Time a record spends in the transform chain (mean per record, observed once per"
                    + " partition batch).")
            .labelNames(labels)
            .classicOnly()
            .classicUpperBounds(
                0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1)
            .register(registry)
            .labelValues(namespace, name);
    transactionsCommitted =
        Counter.builder()
            .name("tributary_worker_transactions_committed_total")
            .help("Kafka transactions (or at-least-once offset commits) committed.")
            .labelNames(labels)
            .register(registry)
            .labelValues(namespace, name);
    transactionsAborted =
        Counter.builder()
            .name("tributary_worker_transactions_aborted_total")
            .help("Kafka transactions aborted; their input is reprocessed.")
            .labelNames(labels)
            .register(registry)
            .labelValues(namespace, name);
    sinkRetries =
        Counter.builder()
            .name("tributary_worker_sink_retries_total")
            .help(
                "Times the feature store could not take writes: the stream rewound to its last"
                    + " commit, backed off and wrote again.")
            .labelNames(labels)
            .register(registry)
            .labelValues(namespace, name);
    rebalances =
        Counter.builder()
            .name("tributary_worker_rebalances_total")
            .help("Consumer group rebalances this worker took part in.")
            .labelNames(labels)
            .register(registry);
    GaugeWithCallback.builder()
        .name("tributary_worker_consumer_lag")
        .help("Records behind the end of the assigned input partitions.")
        .labelNames(labels)
        .callback(cb -> cb.call(lag.getAsLong(), namespace, name))
        .register(registry);
    stateEvictions =
        Counter.builder()
            .name("tributary_worker_state_evictions_total")
            .help(
                "Dedupe keys forgotten early to stay within maxKeys (a later repeat of one"
                    + " passes).")
            .labelNames(labels)
            .register(registry);
    events =
        Counter.builder()
            .name("tributary_worker_events_total")
            .help(
                "Run CloudEvents (spec.events) by type (started, succeeded, failed) and outcome"
                    + " (delivered, failed: given up after every attempt; the run is not"
                    + " affected).")
            .labelNames("namespace", "name", "type", "outcome")
            .register(registry);
    String[] inferLabels = {"namespace", "name", "step", "provider"};
    inferenceBatch =
        Histogram.builder()
            .name("tributary_worker_inference_batch_size")
            .help("Records in one call of an infer step's model, by step and execution provider.")
            .labelNames(inferLabels)
            .classicOnly()
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096)
            .register(registry);
    inferenceLatency =
        Histogram.builder()
            .name("tributary_worker_inference_latency_seconds")
            .help(
                "Time of one call of an infer step's model (the whole batch), by step and"
                    + " execution provider.")
            .labelNames(inferLabels)
            .classicOnly()
            .classicUpperBounds(
                0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
            .register(registry);
    inferenceProvider =
        io.prometheus.metrics.core.metrics.Gauge.builder()
            .name("tributary_worker_inference_provider")
            .help(
                "1 for the execution provider (cpu, cuda) each infer step loaded its model on at"
                    + " start-up.")
            .labelNames(inferLabels)
            .register(registry);
    GaugeWithCallback.builder()
        .name("tributary_worker_state_entries")
        .help("Entries held by stateful steps (dedupe keys, open aggregate windows).")
        .labelNames(labels)
        .callback(cb -> cb.call(stateEntries.getAsLong(), namespace, name))
        .register(registry);
  }

  /**
   * A record rejected by {@code step}; {@code deadLettered} when it was written to the dead-letter
   * destination (a DataPipeline without one counts it as rejected only).
   */
  public void rejected(String step, boolean deadLettered) {
    rejected.labelValues(namespace, name, step).inc();
    if (deadLettered) {
      this.deadLettered.labelValues(namespace, name, step).inc();
    }
  }

  /** A record a validate step with onInvalid drop discarded. */
  public void dropped(String step) {
    dropped.labelValues(namespace, name, step).inc();
  }

  /** Records rejected by {@code step} so far. */
  public long rejectedCount(String step) {
    return (long) rejected.labelValues(namespace, name, step).get();
  }

  /** Records {@code step} dropped so far. */
  public long droppedCount(String step) {
    return (long) dropped.labelValues(namespace, name, step).get();
  }

  /** One run event sent, of type {@code type} (e.g. succeeded); false when it never arrived. */
  public void event(String type, boolean delivered) {
    events.labelValues(namespace, name, type, delivered ? "delivered" : "failed").inc();
  }

  /** Events of {@code type} with {@code outcome} (delivered or failed) so far. */
  public long eventCount(String type, String outcome) {
    return (long) events.labelValues(namespace, name, type, outcome).get();
  }

  @Override
  public void loaded(String step, String provider) {
    inferenceProvider.labelValues(namespace, name, step, provider).set(1);
  }

  @Override
  public void batch(String step, String provider, int records, double seconds) {
    inferenceBatch.labelValues(namespace, name, step, provider).observe(records);
    inferenceLatency.labelValues(namespace, name, step, provider).observe(seconds);
  }

  /** Model calls of {@code step} on {@code provider} so far. */
  public long inferenceCalls(String step, String provider) {
    return inferenceLatency.labelValues(namespace, name, step, provider).getCount();
  }

  /** Records given to the model of {@code step} on {@code provider} so far. */
  public double inferenceRecords(String step, String provider) {
    return inferenceBatch.labelValues(namespace, name, step, provider).getSum();
  }

  public void stateEvicted(long n) {
    if (n > 0) stateEvictions.labelValues(namespace, name).inc(n);
  }

  public void rebalanced() {
    rebalances.labelValues(namespace, name).inc();
  }

  /** Rebalances counted so far (partition assignments received). */
  public long rebalancesSeen() {
    return (long) rebalances.labelValues(namespace, name).get();
  }

  public void lagSource(LongSupplier lag) {
    this.lag = lag;
  }

  public void stateEntriesSource(LongSupplier entries) {
    this.stateEntries = entries;
  }

  public PrometheusRegistry registry() {
    return registry;
  }
}

package io.tributary.runtime.stream;

import io.tributary.pipeline.Durations;
import io.tributary.pipeline.Guarantee;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.plan.RecordPosition;
import io.tributary.pipeline.plan.SinkSchema;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.FeatureStoreSink;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.pipeline.source.MqttSource;
import io.tributary.plan.KafkaEndpoint;
import io.tributary.runtime.PlanException;
import io.tributary.runtime.Secrets;
import io.tributary.runtime.mqtt.MqttEndpoint;
import java.time.Duration;
import java.util.List;

/**
 * What a stream worker needs from the plan, read once at start-up. Every value comes from the plan
 * as compiled (the plan compiler owns the defaults and has checked the plan is complete); only the
 * security settings' values are read from the mounted Secret files, into the two endpoints (and the
 * feature store's password, when the loops connect).
 *
 * @param input the source's cluster, with its security settings
 * @param output the cluster the producer writes to: the sink's, or with a feature-store sink the
 *     source's (dead letters and the state changelog live there)
 * @param group consumer group, also the prefix of the transactional id and the changelog topic
 * @param changelogTopic compacted topic holding the state of dedupe and aggregate steps
 * @param threads independent consume → transform → produce loops in this process, each its own
 *     group member with its own transactional producer (like Kafka Streams' num.stream.threads)
 * @param skipRecord the record that goes to the dead letters instead of halting the worker, or null
 * @param outputTopic the Kafka sink's topic; null with a feature-store or lake sink
 * @param featureStore the feature-store sink, or null
 * @param mqtt the MQTT source bridged into the one input topic, or null; its client id needs the
 *     worker's instance id, so it is resolved with {@link #mqttEndpoint}
 * @param lake the lake sink (an Iceberg table), or null
 * @param sinkSchema the fields reaching the feature-store or lake sink (a feature store's features
 *     when it lists none; the lake's columns), or null
 */
public record StreamSettings(
    String pipelineNamespace,
    String pipelineName,
    KafkaEndpoint input,
    List<String> inputTopics,
    String group,
    String startingOffsets,
    KafkaEndpoint output,
    String outputTopic,
    String keyField,
    String deadLetterTopic,
    String changelogTopic,
    Guarantee guarantee,
    Duration commitInterval,
    int metricsPort,
    int threads,
    RecordPosition skipRecord,
    FeatureStoreSink featureStore,
    MqttSource mqtt,
    LakeSink lake,
    SinkSchema sinkSchema) {

  /**
   * @throws PlanException naming the field and the fix
   */
  public static StreamSettings from(WorkerPlan plan, Secrets secrets) {
    KafkaSource in = plan.source().kafka();
    KafkaSink out = plan.sink().kafka();
    FeatureStoreSink features = plan.sink().featureStore();
    if (out != null
        && plan.guarantee() == Guarantee.EXACTLY_ONCE
        && !out.bootstrapServers().equals(in.bootstrapServers())) {
      throw PlanException.at(
          "sink.kafka.bootstrapServers",
          "exactly-once commits the input offsets in the output's transaction, so the sink must be"
              + " on the source's Kafka cluster; use the same bootstrapServers or guarantee"
              + " at-least-once");
    }
    KafkaEndpoint.SecretReader reader = (ref, field) -> readSecret(secrets, ref, field);
    KafkaEndpoint source = KafkaEndpoint.of(in, reader);
    return new StreamSettings(
        plan.pipeline().namespace(),
        plan.pipeline().name(),
        source,
        List.copyOf(in.topics()),
        in.consumerGroup(),
        in.startingOffsets().name().toLowerCase(java.util.Locale.ROOT),
        // A feature-store or lake sink: dead letters and state changes stay on the source's
        // cluster.
        out == null ? source : KafkaEndpoint.of(out, reader),
        out == null ? null : out.topic(),
        out == null ? null : out.keyField(),
        plan.deadLetter().topic(),
        in.consumerGroup() + "-state-changelog",
        plan.guarantee(),
        Durations.parse(plan.commitInterval()),
        plan.metricsPort(),
        plan.threads(),
        RecordPosition.parse(plan.skipRecord()).orElse(null),
        features,
        plan.source().mqtt(),
        plan.sink().lake(),
        plan.sinkSchema());
  }

  private static String readSecret(Secrets secrets, SecretKeyRef ref, String where) {
    if (ref == null) {
      return null;
    }
    try {
      return secrets.readString(ref);
    } catch (IllegalArgumentException e) {
      throw PlanException.at(where, e.getMessage());
    }
  }

  /** The feature store's AUTH password from its mounted Secret, or null when it has none. */
  String featureStorePassword(Secrets secrets) {
    return featureStore == null
        ? null
        : readSecret(
            secrets, featureStore.passwordSecretRef(), "sink.featureStore.passwordSecretRef");
  }

  /**
   * How this worker reaches the MQTT broker (credentials and TLS from the mounted Secret files), or
   * null without an MQTT source.
   *
   * @throws PlanException naming the field when a Secret file is missing or cannot be read
   */
  MqttEndpoint mqttEndpoint(Secrets secrets, String instanceId) {
    if (mqtt == null) return null;
    try {
      return MqttEndpoint.of(mqtt, instanceId, (ref, field) -> readSecret(secrets, ref, field));
    } catch (IllegalArgumentException e) {
      throw PlanException.at("source.mqtt.tls", e.getMessage());
    }
  }

  /** Where the records go, for the logs. */
  String sinkName() {
    if (featureStore != null) {
      return "feature store " + featureStore.featureView() + " at " + featureStore.redisAddress();
    }
    return lake != null ? "Iceberg table " + lake.iceberg().table() : outputTopic;
  }

  public boolean exactlyOnce() {
    return guarantee == Guarantee.EXACTLY_ONCE;
  }
}

package io.tributary.runtime.stream;

import io.tributary.pipeline.Durations;
import io.tributary.pipeline.Guarantee;
import io.tributary.pipeline.plan.RecordPosition;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.runtime.PlanException;
import io.tributary.runtime.Secrets;
import java.time.Duration;
import java.util.List;

/**
 * What a stream worker needs from the plan, read once at start-up. Every value comes from the plan
 * as compiled (the plan compiler owns the defaults and has checked the plan is complete); only the
 * JAAS lines are read from the mounted Secret files.
 *
 * @param group consumer group, also the prefix of the transactional id and the changelog topic
 * @param changelogTopic compacted topic holding the state of dedupe and aggregate steps
 * @param threads independent consume → transform → produce loops in this process, each its own
 *     group member with its own transactional producer (like Kafka Streams' num.stream.threads)
 * @param skipRecord the record that goes to the dead letters instead of halting the worker, or null
 */
public record StreamSettings(
    String pipelineNamespace,
    String pipelineName,
    String bootstrapServers,
    List<String> inputTopics,
    String group,
    String startingOffsets,
    String outputBootstrapServers,
    String outputTopic,
    String keyField,
    String deadLetterTopic,
    String changelogTopic,
    Guarantee guarantee,
    Duration commitInterval,
    int metricsPort,
    String sourceSaslJaas,
    String sinkSaslJaas,
    int threads,
    RecordPosition skipRecord) {

  /**
   * @throws PlanException naming the field and the fix
   */
  public static StreamSettings from(WorkerPlan plan, Secrets secrets) {
    KafkaSource in = plan.source().kafka();
    KafkaSink out = plan.sink().kafka();
    if (plan.guarantee() == Guarantee.EXACTLY_ONCE
        && !out.bootstrapServers().equals(in.bootstrapServers())) {
      throw PlanException.at(
          "sink.kafka.bootstrapServers",
          "exactly-once commits the input offsets in the output's transaction, so the sink must be"
              + " on the source's Kafka cluster; use the same bootstrapServers or guarantee"
              + " at-least-once");
    }
    String inJaas = readJaas(secrets, in.saslJaasSecretRef(), "source.kafka.saslJaasSecretRef");
    String outJaas = readJaas(secrets, out.saslJaasSecretRef(), "sink.kafka.saslJaasSecretRef");
    return new StreamSettings(
        plan.pipeline().namespace(),
        plan.pipeline().name(),
        in.bootstrapServers(),
        List.copyOf(in.topics()),
        in.consumerGroup(),
        in.startingOffsets().name().toLowerCase(java.util.Locale.ROOT),
        out.bootstrapServers(),
        out.topic(),
        out.keyField(),
        plan.deadLetter().topic(),
        in.consumerGroup() + "-state-changelog",
        plan.guarantee(),
        Durations.parse(plan.commitInterval()),
        plan.metricsPort(),
        inJaas,
        outJaas,
        plan.threads(),
        RecordPosition.parse(plan.skipRecord()).orElse(null));
  }

  private static String readJaas(
      Secrets secrets, io.tributary.pipeline.SecretKeyRef ref, String where) {
    if (ref == null) {
      return null;
    }
    try {
      return secrets.readString(ref);
    } catch (IllegalArgumentException e) {
      throw PlanException.at(where, e.getMessage());
    }
  }

  public boolean exactlyOnce() {
    return guarantee == Guarantee.EXACTLY_ONCE;
  }
}

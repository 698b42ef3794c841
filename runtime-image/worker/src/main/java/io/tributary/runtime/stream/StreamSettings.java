package io.tributary.runtime.stream;

import io.tributary.pipeline.Durations;
import io.tributary.pipeline.Guarantee;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.runtime.PlanException;
import io.tributary.runtime.Secrets;
import java.time.Duration;
import java.util.List;

/**
 * What a stream worker needs from the plan, with the defaults resolved and checked at start-up.
 *
 * @param group consumer group, also the prefix of the transactional id and the changelog topic
 * @param changelogTopic compacted topic holding the state of dedupe and aggregate steps
 * @param threads independent consume → transform → produce loops in this process, each its own
 *     group member with its own transactional producer (like Kafka Streams' num.stream.threads).
 *     The plan has no thread count, so the operator passes spec.compute.parallelism as the
 *     environment variable TRIBUTARY_THREADS; default 1 (scale out with replicas).
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
    int threads) {

  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(1);

  /**
   * @throws PlanException naming the field and the fix
   */
  public static StreamSettings from(WorkerPlan plan, Secrets secrets) {
    if (plan.source() == null || plan.source().kafka() == null) {
      throw PlanException.at(
          "source", "a StreamJob reads from Kafka: set source.kafka (bootstrapServers, topics)");
    }
    if (plan.sink() == null || plan.sink().kafka() == null) {
      throw PlanException.at("sink", "a StreamJob writes to Kafka: set sink.kafka (topic)");
    }
    KafkaSource in = plan.source().kafka();
    KafkaSink out = plan.sink().kafka();
    if (in.topics() == null || in.topics().isEmpty()) {
      throw PlanException.at("source.kafka.topics", "name at least one topic");
    }
    if (out.topic() == null || out.topic().isBlank()) {
      throw PlanException.at("sink.kafka.topic", "name the output topic");
    }
    String ns = plan.pipeline() == null ? "default" : plan.pipeline().namespace();
    String name = plan.pipeline() == null ? "stream" : plan.pipeline().name();
    String group = in.consumerGroup() != null ? in.consumerGroup() : "tributary-" + ns + "-" + name;
    String dlq =
        plan.deadLetter() != null && plan.deadLetter().topic() != null
            ? plan.deadLetter().topic()
            : in.topics().get(0) + ".dlq";
    Duration commit;
    try {
      commit = Durations.parseOr(plan.commitInterval(), DEFAULT_COMMIT_INTERVAL);
    } catch (IllegalArgumentException e) {
      throw PlanException.at("commitInterval", e.getMessage());
    }
    Guarantee guarantee = plan.guarantee() == null ? Guarantee.EXACTLY_ONCE : plan.guarantee();
    if (guarantee == Guarantee.EXACTLY_ONCE
        && out.bootstrapServers() != null
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
        ns,
        name,
        in.bootstrapServers(),
        List.copyOf(in.topics()),
        group,
        in.startingOffsets() == null ? "earliest" : in.startingOffsets().name().toLowerCase(),
        out.bootstrapServers() != null ? out.bootstrapServers() : in.bootstrapServers(),
        out.topic(),
        out.keyField(),
        dlq,
        group + "-state-changelog",
        guarantee,
        commit,
        plan.metricsPort(),
        inJaas,
        outJaas,
        threads(System.getenv("TRIBUTARY_THREADS")));
  }

  /** The same settings with {@code n} loops. */
  public StreamSettings withThreads(int n) {
    return new StreamSettings(
        pipelineNamespace,
        pipelineName,
        bootstrapServers,
        inputTopics,
        group,
        startingOffsets,
        outputBootstrapServers,
        outputTopic,
        keyField,
        deadLetterTopic,
        changelogTopic,
        guarantee,
        commitInterval,
        metricsPort,
        sourceSaslJaas,
        sinkSaslJaas,
        n);
  }

  static int threads(String env) {
    if (env == null || env.isBlank()) {
      return 1;
    }
    try {
      int n = Integer.parseInt(env.strip());
      if (n >= 1 && n <= 256) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw PlanException.at(
        "env TRIBUTARY_THREADS", "'" + env + "' is not a thread count from 1 to 256");
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

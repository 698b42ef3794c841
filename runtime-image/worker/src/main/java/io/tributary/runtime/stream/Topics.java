package io.tributary.runtime.stream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the topics a stream worker writes exist: the output (with a Kafka sink) and
 * dead-letter topics (with the input's partition count) and the compacted state changelog. Existing
 * topics are left as they are; the replication factor is the broker's default.
 */
final class Topics {
  private static final Logger LOG = LoggerFactory.getLogger(Topics.class);
  private static final long TIMEOUT_S = 30;

  private Topics() {}

  /**
   * Creates the ingest topic of an MQTT source when it is missing, with the broker's default
   * partition count (create it beforehand to choose: the partitions bound the workers that share
   * the reading).
   */
  static void ensureIngestTopic(StreamSettings s) throws Exception {
    String topic = s.inputTopics().get(0);
    try (Admin admin = Admin.create(KafkaClients.inputAdmin(s))) {
      try {
        admin
            .createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
            .all()
            .get(TIMEOUT_S, TimeUnit.SECONDS);
        LOG.info("created the MQTT ingest topic {}", topic);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException(
              "cannot create the MQTT ingest topic "
                  + topic
                  + " (source.kafka.topics[0]): "
                  + e.getCause().getMessage(),
              e);
        }
      }
      awaitVisible(admin, topic);
    }
  }

  /**
   * Waits until the broker answered for {@code topic} describes it: creating a topic returns once
   * the controller recorded it, and the broker the worker asks next may not have the new metadata
   * yet, so the input check right after would call a just-made topic missing.
   */
  private static void awaitVisible(Admin admin, String topic) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    while (true) {
      try {
        admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the MQTT ingest topic "
                  + topic
                  + " (source.kafka.topics[0]) was created but the broker does not describe it: "
                  + e.getCause().getMessage(),
              e);
        }
        Thread.sleep(100);
      }
    }
  }

  /** Partition counts of the input topics; fails naming a topic that does not exist. */
  static Map<String, Integer> inputPartitions(StreamSettings s) throws Exception {
    try (Admin admin = Admin.create(KafkaClients.inputAdmin(s))) {
      Map<String, Integer> counts = new HashMap<>();
      Map<String, TopicDescription> d;
      try {
        d = admin.describeTopics(s.inputTopics()).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UnknownTopicOrPartitionException) {
          throw new IllegalStateException(
              "an input topic of source.kafka.topics " + s.inputTopics() + " does not exist");
        }
        throw e;
      }
      d.forEach((name, desc) -> counts.put(name, desc.partitions().size()));
      return counts;
    }
  }

  /**
   * Creates what is missing.
   *
   * @return the changelog's partition count (an existing changelog keeps its own)
   */
  static int ensureOutputTopics(StreamSettings s, int partitions, boolean stateful)
      throws Exception {
    try (Admin admin = Admin.create(KafkaClients.outputAdmin(s))) {
      List<NewTopic> wanted = new ArrayList<>();
      if (s.outputTopic() != null) {
        wanted.add(new NewTopic(s.outputTopic(), Optional.of(partitions), Optional.empty()));
      }
      wanted.add(new NewTopic(s.deadLetterTopic(), Optional.of(partitions), Optional.empty()));
      if (stateful) {
        wanted.add(
            new NewTopic(s.changelogTopic(), Optional.of(partitions), Optional.empty())
                .configs(
                    Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
      }
      for (var e : admin.createTopics(wanted).values().entrySet()) {
        try {
          e.getValue().get(TIMEOUT_S, TimeUnit.SECONDS);
          LOG.info("created topic {}", e.getKey());
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "cannot create topic " + e.getKey() + ": " + ex.getCause().getMessage(), ex);
          }
        } catch (TimeoutException ex) {
          throw new IllegalStateException("creating topic " + e.getKey() + " timed out", ex);
        }
      }
      if (!stateful) {
        return partitions;
      }
      return onceKnown(
          () ->
              admin
                  .describeTopics(List.of(s.changelogTopic()))
                  .allTopicNames()
                  .get(TIMEOUT_S, TimeUnit.SECONDS)
                  .get(s.changelogTopic())
                  .partitions()
                  .size());
    }
  }

  /** An admin call about topics. */
  interface TopicCall<T> {
    T call() throws Exception;
  }

  /**
   * Runs {@code call} until the topics it asks about are known: a topic created a moment ago is
   * created on the controller first, and the broker that answers may not have its metadata yet
   * (UnknownTopicOrPartition for a few milliseconds, longer on a busy cluster).
   */
  static <T> T onceKnown(TopicCall<T> call) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    while (true) {
      try {
        return call.call();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  /**
   * The largest record each topic takes ({@code max.message.bytes}, the topic's or the broker's
   * default), so a record over it becomes a dead letter instead of failing every transaction.
   */
  static Map<String, Integer> maxMessageBytes(StreamSettings s, List<String> topics)
      throws Exception {
    try (Admin admin = Admin.create(KafkaClients.outputAdmin(s))) {
      List<ConfigResource> resources =
          topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
      Map<ConfigResource, Config> configs =
          onceKnown(() -> admin.describeConfigs(resources).all().get(TIMEOUT_S, TimeUnit.SECONDS));
      Map<String, Integer> out = new HashMap<>();
      configs.forEach(
          (r, c) -> {
            ConfigEntry e = c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (e != null && e.value() != null) out.put(r.name(), Integer.parseInt(e.value()));
          });
      return out;
    }
  }
}

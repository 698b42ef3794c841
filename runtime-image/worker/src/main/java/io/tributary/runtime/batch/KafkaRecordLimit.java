package io.tributary.runtime.batch;

import io.tributary.plan.KafkaClientSettings;
import io.tributary.plan.KafkaEndpoint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The largest record a batch run may send to a topic. A record over it fails its send, so the run
 * fails at the end, and every retry meets the same record: the sink and the dead letters check the
 * size first instead.
 */
public final class KafkaRecordLimit {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaRecordLimit.class);

  /** Upper bound of a record's framing in a produce request (batch and record headers). */
  static final int RECORD_OVERHEAD_BYTES = 128;

  private static final int HEADER_OVERHEAD_BYTES = 16;

  private KafkaRecordLimit() {}

  /** The producer's {@code max.request.size} (Kafka's default 1 MiB when not set). */
  public static int producerMaxBytes(Properties producer) {
    return Integer.parseInt(
        producer.getProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(1 << 20)));
  }

  /**
   * The smaller of {@code producerMaxBytes} and the topic's {@code max.message.bytes} (its own or
   * the broker's default); the producer's alone when the topic's configs cannot be read (no
   * describe permission, say).
   */
  public static int maxRecordBytes(KafkaEndpoint cluster, String topic, int producerMaxBytes) {
    try (Admin admin =
        Admin.create(KafkaClientSettings.properties(KafkaClientSettings.admin(cluster)))) {
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config c = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
      ConfigEntry e = c == null ? null : c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      return e == null || e.value() == null
          ? producerMaxBytes
          : Math.min(producerMaxBytes, Integer.parseInt(e.value()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return producerMaxBytes;
    } catch (Exception e) {
      LOG.warn(
          "cannot read max.message.bytes of topic {} ({}); checking records against the"
              + " producer's {} bytes only",
          topic,
          e.toString(),
          producerMaxBytes);
      return producerMaxBytes;
    }
  }

  /** Upper bound of the bytes a record takes in a produce request. */
  public static long size(String key, byte[] value, Header... headers) {
    long n = RECORD_OVERHEAD_BYTES + value.length;
    if (key != null) n += key.getBytes(StandardCharsets.UTF_8).length;
    for (Header h : headers) {
      n += HEADER_OVERHEAD_BYTES + h.key().length() + (h.value() == null ? 0 : h.value().length);
    }
    return n;
  }
}

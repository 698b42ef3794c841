package io.tributary.operator.autoscale;

import io.tributary.plan.KafkaEndpoint;
import java.util.List;

/** Reads consumer-group lag; the Kafka implementation lives in the operator's kafka package. */
public interface LagSource {
  /**
   * @param lag records behind, summed over partitions (a partition without a committed offset
   *     counts from its start)
   */
  record Lag(long lag, int partitions) {}

  /**
   * @param cluster the source's cluster, with its credentials when it needs them
   * @throws Exception when the brokers cannot be asked; the caller keeps the current size
   */
  Lag read(KafkaEndpoint cluster, String group, List<String> topics) throws Exception;
}

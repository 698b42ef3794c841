package io.tributary.operator.autoscale;

import io.tributary.plan.KafkaEndpoint;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads consumer-group positions; the Kafka implementation lives in the operator's kafka package.
 * Implementations may answer from a cache refreshed on a poll interval, so that many jobs on one
 * cluster share a few admin calls.
 */
public interface LagSource {
  /**
   * What one job reads.
   *
   * @param cluster the source's cluster, with its credentials when it needs them
   */
  record Query(KafkaEndpoint cluster, String group, List<String> topics) {
    public Query {
      topics = List.copyOf(topics);
    }
  }

  /**
   * The latest reading for {@code query}.
   *
   * @throws Exception when there is no reading yet, the last one failed or is too old; the caller
   *     keeps the current size
   */
  LagReading read(Query query) throws Exception;

  /**
   * Registers a callback run after each refresh with the queries it answered (or failed to), so
   * their jobs can look at the new reading at once instead of on their next poll.
   *
   * @return false when this source does not refresh on its own: then callers must poll it
   */
  default boolean onRefresh(Consumer<Set<Query>> listener) {
    return false;
  }
}

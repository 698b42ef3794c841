package io.tributary.runtime.transform;

import io.tributary.plan.KafkaEndpoint;
import java.time.Duration;
import java.util.Set;

/** Who consented to what: subject id -> purposes, read from the consent topic. */
public interface ConsentView extends AutoCloseable {
  /** The purposes the subject consented to; empty when unknown or withdrawn. */
  Set<String> purposes(String subject);

  /**
   * Blocks until the view has read the consent topic up to the end offsets seen at start, so that
   * no record is judged against a partial view.
   *
   * @throws IllegalStateException when it does not catch up in time
   */
  void awaitCaughtUp(Duration timeout);

  @Override
  void close();

  /** Opens a view of one consent topic; the chain closes the views it opened. */
  @FunctionalInterface
  interface Factory {
    /**
     * @param cluster the consent topic's cluster, with the source's credentials when it is the
     *     source's cluster
     */
    ConsentView open(KafkaEndpoint cluster, String topic);
  }
}

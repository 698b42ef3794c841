package io.tributary.runtime.batch.sink;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.SinkSchema;
import io.tributary.pipeline.sink.FeatureStoreSink;
import io.tributary.runtime.batch.BadRecordException;
import io.tributary.runtime.batch.Lane;
import io.tributary.runtime.batch.RecordSink;
import io.tributary.runtime.batch.RunFailure;
import io.tributary.runtime.batch.SecretFiles;
import io.tributary.runtime.featurestore.FeatureStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A DataPipeline's writes to the online feature store ({@link FeatureStore} owns the layout and
 * what each refusal means), pipelined {@value #PIPELINE} to a round trip.
 *
 * <p>A record refused for itself (no entity key, a key holding something other than a hash) is
 * dead-lettered at step {@code sink}. A server that cannot take writes now fails the run as
 * retryable; any other refusal fails it as permanent. Writes are overwrites, so a retried run
 * converges to the same values.
 */
public final class FeatureStoreWriter implements RecordSink {
  static final int PIPELINE = 1000;

  private final FeatureStore<ObjectNode> store;
  private final List<Lane.Rejected> rejected = new ArrayList<>();
  private long written;

  /**
   * @param sinkSchema the plan's fields at the sink: the features when the sink lists none
   */
  public FeatureStoreWriter(FeatureStoreSink spec, SinkSchema sinkSchema, SecretFiles secrets) {
    this.store =
        new FeatureStore<>(
            spec,
            secrets.read(spec.passwordSecretRef(), "sink.featureStore.passwordSecretRef"),
            sinkSchema);
  }

  @Override
  public Optional<RunSummary> begin() {
    try {
      store.connect();
    } catch (FeatureStore.StoreFailure e) {
      throw runFailure(e);
    }
    return Optional.empty();
  }

  @Override
  public void write(ObjectNode record) throws BadRecordException {
    FeatureStore.Write w;
    try {
      w = store.toWrite(record);
    } catch (FeatureStore.Unstorable e) {
      throw new BadRecordException("sink", e.getMessage());
    }
    try {
      store.send(w, record);
    } catch (FeatureStore.StoreFailure e) {
      throw runFailure(e);
    }
    if (store.pending() >= PIPELINE) {
      sync();
    }
  }

  /**
   * Reads the replies of the writes sent: counts the done ones, keeps the refused records for
   * {@link #drainRejected}, and fails the run when the server refuses writes as such.
   */
  private void sync() {
    int sent = store.pending();
    List<FeatureStore.Refused<ObjectNode>> refused;
    try {
      refused = store.sync();
    } catch (FeatureStore.StoreFailure e) {
      throw runFailure(e);
    }
    written += sent - refused.size();
    for (FeatureStore.Refused<ObjectNode> r : refused) {
      rejected.add(new Lane.Rejected(r.tag(), new BadRecordException("sink", r.reason())));
    }
  }

  private static RunFailure runFailure(FeatureStore.StoreFailure e) {
    return e.refusal() == FeatureStore.Refusal.RETRYABLE
        ? RunFailure.retryable(e.getMessage(), null)
        : RunFailure.permanent(e.getMessage(), null);
  }

  @Override
  public void flush() {
    sync();
  }

  @Override
  public List<Lane.Rejected> drainRejected() {
    if (rejected.isEmpty()) {
      return List.of();
    }
    List<Lane.Rejected> out = List.copyOf(rejected);
    rejected.clear();
    return out;
  }

  @Override
  public void commit(RunSummary summary) {
    // Every write was confirmed by flush(); entities are visible as they are written.
  }

  @Override
  public void abort() {
    // Written entities keep their new values: each is a complete overwrite, and the retry
    // writes them again.
  }

  @Override
  public long written() {
    return written;
  }

  @Override
  public void close() {
    store.close();
  }
}

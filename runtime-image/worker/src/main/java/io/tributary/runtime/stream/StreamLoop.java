package io.tributary.runtime.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.runtime.batch.BadRecordException;
import io.tributary.runtime.featurestore.FeatureStore;
import io.tributary.runtime.ops.WorkerMetrics;
import io.tributary.runtime.transform.RecordJson;
import io.tributary.runtime.transform.RejectedRecordException;
import io.tributary.runtime.transform.TransformChain;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One consume → transform → produce loop: a consumer, a producer and a transform chain per owned
 * partition, on one thread.
 *
 * <p>Exactly-once: every commit interval, the output, the dead letters, the state changes and the
 * consumed offsets (with the group metadata, so a zombie is fenced) commit in one transaction. On
 * any failure the transaction aborts and the loop rewinds every owned partition to its committed
 * offset and restores its state from the changelog — the state of the last commit. At-least-once:
 * the same, with a producer flush and an offset commit instead of a transaction.
 *
 * <p>With a feature-store sink (at-least-once only): the outputs of each polled batch are written
 * to Redis in one pipeline and the loop waits for every reply; offsets commit, at the commit
 * interval, only for records Redis acknowledged (or that went to the dead letters). When Redis
 * cannot take writes the loop rewinds to the committed offsets, backs off and writes again; every
 * write is an overwrite of its entity, so writing a record twice leaves the same state.
 *
 * <p>With a lake sink (an Iceberg table, {@link LakeStream}): outputs go to data files, and every
 * commit interval one Iceberg append adds them with the consumed offsets in its snapshot summary.
 * The table, not the group, says where each partition resumes: on assignment and on every rewind
 * the loop seeks to the table's offsets. Dead letters are flushed to Kafka before the append (so
 * after a crash they may be sent again: at-least-once), and the offsets are committed to the group
 * after it, for lag and autoscaling only.
 */
final class StreamLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamLoop.class);
  private static final int MAX_CONSECUTIVE_FAILURES = 5;
  private static final long FIRST_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;

  /** The dead letter of an output the feature store refused, for the refusal's reason. */
  @FunctionalInterface
  interface DeadLetterFor {
    ProducerRecord<byte[], byte[]> apply(String reason);
  }

  private final StreamSettings settings;
  private final TransformChain template;
  private final WorkerMetrics metrics;
  private final StateChangelog changelog;
  private final Records records;
  private final String clientId;
  private final String transactionalId;
  private final boolean stateful;
  private final long commitNanos;
  private final FeatureStore<DeadLetterFor> features;
  private final int batchSize;
  private final long maxWaitNanos;
  private final LakeStream lake;
  private final boolean transactional;

  private final Map<TopicPartition, TransformChain> chains = new HashMap<>();

  /** Records of a partition waiting for an infer step's batch to fill (only with one). */
  private final Map<TopicPartition, Pending> pending = new HashMap<>();

  private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
  private final AtomicReference<Exception> sendError = new AtomicReference<>();
  private KafkaConsumer<byte[], byte[]> consumer;
  private KafkaProducer<byte[], byte[]> producer;
  private KafkaConsumer<byte[], byte[]> restoreReader;
  private boolean inTransaction;
  private boolean sentSinceCommit;
  private int failuresSinceCommit;
  private long lastCommit = System.nanoTime();
  private long lastGauges;
  private long backoffMs = FIRST_BACKOFF_MS;

  private volatile boolean running = true;
  private volatile boolean ready;
  private volatile Throwable failure;
  private volatile long lag;
  private volatile int stateEntries;

  StreamLoop(
      StreamSettings settings,
      TransformChain template,
      WorkerMetrics metrics,
      StateChangelog changelog,
      Records records,
      String instanceId,
      FeatureStore<DeadLetterFor> features,
      LakeStream lake) {
    this.settings = settings;
    this.template = template;
    this.metrics = metrics;
    this.changelog = changelog;
    this.records = records;
    this.clientId = settings.group() + "-" + instanceId;
    // A lake sink's offsets commit with its Iceberg append; the producer only sends dead letters.
    this.transactional = settings.exactlyOnce() && lake == null;
    this.transactionalId = transactional ? clientId : null;
    this.stateful = template.isStateful();
    this.commitNanos = settings.commitInterval().toNanos();
    this.features = features;
    this.batchSize = template.batchSize();
    // A batch never waits past a commit: what is pending is processed before every commit.
    this.maxWaitNanos =
        batchSize == 0 ? 0 : Math.min(template.maxWait().toNanos(), this.commitNanos);
    this.lake = lake;
  }

  @Override
  public void run() {
    MDC.put("pipeline.namespace", settings.pipelineNamespace());
    MDC.put("pipeline.name", settings.pipelineName());
    try {
      producer = new KafkaProducer<>(KafkaClients.producer(settings, clientId, transactionalId));
      if (transactional) {
        // Fences an earlier incarnation with the same id and aborts its open transaction.
        producer.initTransactions();
      }
      if (stateful) {
        restoreReader =
            new KafkaConsumer<>(KafkaClients.restoreReader(settings, clientId + "-restore"));
      }
      consumer = new KafkaConsumer<>(KafkaClients.consumer(settings, clientId));
      consumer.subscribe(settings.inputTopics(), new Rebalance());
      loop();
    } catch (Throwable t) {
      failure = t;
      LOG.error("stream loop {} failed: {}", clientId, t.toString(), t);
    } finally {
      closeClients();
    }
  }

  private void loop() {
    long waitNanos = batchSize == 0 ? commitNanos : Math.min(commitNanos, maxWaitNanos);
    Duration pollTimeout = Duration.ofMillis(Math.max(1, Math.min(100, waitNanos / 1_000_000)));
    while (running) {
      try {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(pollTimeout);
        ready = true;
        if (batchSize > 0) {
          gather(batch);
          processPending(false);
          syncFeatures();
        } else if (!batch.isEmpty()) {
          Instant now = Instant.now();
          for (TopicPartition tp : batch.partitions()) {
            TransformChain chain = chains.get(tp);
            if (chain == null) {
              continue; // revoked in this poll; its new owner reads it
            }
            List<ConsumerRecord<byte[], byte[]>> records = batch.records(tp);
            long start = System.nanoTime();
            for (int i = 0; i < records.size(); i++) {
              ConsumerRecord<byte[], byte[]> r = records.get(i);
              try {
                handle(chain, r, now);
              } catch (HaltException h) {
                // The records before it were processed and commit with the halt; it was not.
                metrics.recordsIn.inc(i);
                halt(tp, r, h);
              }
            }
            // One observation per partition batch (the mean per record) keeps timing off the
            // per-record path.
            metrics.processingLatency.observe((System.nanoTime() - start) / 1e9 / records.size());
            ConsumerRecord<byte[], byte[]> last = records.get(records.size() - 1);
            offsets.put(tp, new OffsetAndMetadata(last.offset() + 1, last.leaderEpoch(), ""));
            metrics.recordsIn.inc(records.size());
          }
          syncFeatures();
        }
        if (System.nanoTime() - lastCommit >= commitNanos) {
          commit();
        }
        refreshGauges();
      } catch (WakeupException e) {
        // stop() woke the consumer; the loop condition ends it.
      } catch (KafkaException e) {
        // Counted until the next successful commit, so a record that always fails its
        // transaction stops the worker (and shows in its restarts) instead of looping forever.
        if (fatal(e) || ++failuresSinceCommit > MAX_CONSECUTIVE_FAILURES) {
          throw e;
        }
        LOG.warn("transaction failed, rewinding to the last commit: {}", e.toString());
        abortAndRewind();
      } catch (LakeStream.Failure e) {
        // The table says what committed: the rewind resumes from its offsets.
        metrics.sinkRetries.inc();
        LOG.warn("{}; rewinding to the table's offsets, writing again in {} ms", e, backoffMs);
        abortAndRewind();
        backOff();
        continue;
      } catch (FeatureStore.StoreFailure e) {
        if (e.refusal() == FeatureStore.Refusal.PERMANENT) {
          throw e;
        }
        // Not committed, so not lost: the records since the last commit are read and written
        // again once Redis takes writes, as overwrites of the same entities.
        metrics.sinkRetries.inc();
        LOG.warn(
            "{}; rewinding to the last commit, writing again in {} ms", e.getMessage(), backoffMs);
        abortAndRewind();
        backOff();
      }
    }
    // Graceful stop: finish the open transaction so nothing is redone by the next owner.
    try {
      commit();
    } catch (KafkaException | FeatureStore.StoreFailure | LakeStream.Failure e) {
      LOG.warn("final commit failed, aborting: {}", e.toString());
      abortQuietly();
    }
  }

  /** Adds a poll's records to their partitions' pending batches. */
  private void gather(ConsumerRecords<byte[], byte[]> batch) {
    long now = System.nanoTime();
    for (TopicPartition tp : batch.partitions()) {
      if (!chains.containsKey(tp)) {
        continue; // revoked in this poll; its new owner reads it
      }
      pending.computeIfAbsent(tp, p -> new Pending(now)).records.addAll(batch.records(tp));
    }
  }

  /**
   * Runs the pending records of each partition whose batch is full or has waited maxWait; {@code
   * all}: every partition's, as before a commit.
   */
  private void processPending(boolean all) {
    long now = System.nanoTime();
    List<TopicPartition> due = new ArrayList<>();
    for (Map.Entry<TopicPartition, Pending> e : pending.entrySet()) {
      Pending p = e.getValue();
      if (all || p.records.size() >= batchSize || now - p.since >= maxWaitNanos) {
        due.add(e.getKey());
      }
    }
    for (TopicPartition tp : due) {
      // Removed first: a halt in it commits, and that commit must not run its records again.
      Pending p = pending.remove(tp);
      TransformChain chain = chains.get(tp);
      if (chain != null && !p.records.isEmpty()) {
        processBatch(tp, chain, p.records, Instant.now());
      }
    }
  }

  /**
   * One partition's records through the chain together (an infer step calls its model on many at
   * once); outputs and dead letters as {@link #handle} makes them, one record at a time.
   */
  private void processBatch(
      TopicPartition tp,
      TransformChain chain,
      List<ConsumerRecord<byte[], byte[]>> in,
      Instant now) {
    long start = System.nanoTime();
    List<ObjectNode> parsed = new ArrayList<>(in.size());
    List<ConsumerRecord<byte[], byte[]>> origin = new ArrayList<>(in.size());
    Map<ConsumerRecord<byte[], byte[]>, String> unreadable = new java.util.LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : in) {
      try {
        parsed.add(Records.parse(r.value()));
        origin.add(r);
      } catch (RecordJson.NotARecord e) {
        unreadable.put(r, e.getMessage());
      }
    }
    try {
      chain.processAll(
          parsed,
          now,
          new TransformChain.BatchOutput() {
            @Override
            public void emit(int input, ObjectNode out) {
              StreamLoop.this.emit(out, origin.get(input));
            }

            @Override
            public void rejected(int input, RejectedRecordException e) {
              StreamLoop.this.rejected(origin.get(input), e);
            }
          });
    } catch (HaltException h) {
      ConsumerRecord<byte[], byte[]> r = in.stream().filter(h::at).findFirst().orElseThrow();
      // What comes after the halted record is not processed: its dead letters would commit.
      unreadable.forEach(
          (u, reason) -> {
            if (u.offset() < r.offset()) deadLetter(u, -1, Records.SOURCE_STEP, reason);
          });
      metrics.recordsIn.inc(in.indexOf(r));
      halt(tp, r, h);
    }
    unreadable.forEach((u, reason) -> deadLetter(u, -1, Records.SOURCE_STEP, reason));
    metrics.processingLatency.observe((System.nanoTime() - start) / 1e9 / in.size());
    ConsumerRecord<byte[], byte[]> last = in.get(in.size() - 1);
    offsets.put(tp, new OffsetAndMetadata(last.offset() + 1, last.leaderEpoch(), ""));
    metrics.recordsIn.inc(in.size());
  }

  /** Waits before writing again, longer each time Redis is still unavailable; ends on stop(). */
  private void backOff() {
    long until = System.nanoTime() + backoffMs * 1_000_000L;
    while (running && System.nanoTime() < until) {
      LockSupport.parkNanos(10_000_000L);
    }
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
  }

  private static boolean fatal(KafkaException e) {
    return e instanceof ProducerFencedException
        || e instanceof InvalidProducerEpochException
        || e instanceof AuthorizationException
        || e instanceof AuthenticationException;
  }

  /**
   * One record in: its outputs, or a dead letter saying why not. Nothing a record holds can throw
   * out of here except a halt (validate with onInvalid fail) and the producer's own failures.
   */
  private void handle(TransformChain chain, ConsumerRecord<byte[], byte[]> r, Instant now) {
    ObjectNode record;
    try {
      record = Records.parse(r.value());
    } catch (RecordJson.NotARecord e) {
      deadLetter(r, -1, Records.SOURCE_STEP, e.getMessage());
      return;
    }
    try {
      chain.process(record, now, out -> emit(out, r));
    } catch (RejectedRecordException e) {
      rejected(r, e);
    }
  }

  /**
   * A record a step rejected: a dead letter, or (validate onInvalid fail) a halt, unless the
   * skip-record annotation names it.
   */
  private void rejected(ConsumerRecord<byte[], byte[]> r, RejectedRecordException e) {
    if (!e.failsRun()) {
      deadLetter(r, e.step(), e.stepName(), e.reason());
    } else if (settings.skipRecord() != null
        && settings.skipRecord().is(r.topic(), r.partition(), r.offset())) {
      deadLetter(
          r,
          e.step(),
          e.stepName(),
          e.reason() + " (skipped by the tributary.io/skip-record annotation)");
    } else {
      throw new HaltException(
          new RunSummary.Halt(
              r.topic(),
              r.partition(),
              r.offset(),
              "transforms[" + e.step() + "] (" + e.stepName() + ")",
              e.reason()));
    }
  }

  private void emit(ObjectNode out, ConsumerRecord<byte[], byte[]> in) {
    if (lake != null) {
      try {
        lake.write(out);
        metrics.recordsOut.inc();
      } catch (BadRecordException e) {
        deadLetter(in, template.stepNames().size(), Records.SINK_STEP, e.getMessage());
      }
      return;
    }
    if (features != null) {
      store(
          out,
          reason -> records.deadLetter(in, template.stepNames().size(), Records.SINK_STEP, reason));
      return;
    }
    ProducerRecord<byte[], byte[]> record;
    try {
      record = records.output(out, in.key(), in.timestamp());
    } catch (RecordJson.Unwritable e) {
      deadLetter(in, template.stepNames().size(), Records.SINK_STEP, e.getMessage());
      return;
    }
    String tooLarge = records.tooLarge(record);
    if (tooLarge != null) {
      deadLetter(in, template.stepNames().size(), Records.SINK_STEP, tooLarge);
      return;
    }
    send(record);
    metrics.recordsOut.inc();
  }

  /** An output made on flush (a closed window), which has no input record of its own. */
  private void emitFlushed(ObjectNode out, Instant now) {
    if (lake != null) {
      try {
        lake.write(out);
        metrics.recordsOut.inc();
      } catch (BadRecordException e) {
        send(
            records.deadLetterOutput(
                out, template.stepNames().size(), Records.SINK_STEP, e.getMessage()));
        metrics.rejected(Records.SINK_STEP, true);
      }
      return;
    }
    if (features != null) {
      store(
          out,
          reason ->
              records.deadLetterOutput(
                  out, template.stepNames().size(), Records.SINK_STEP, reason));
      return;
    }
    ProducerRecord<byte[], byte[]> record;
    String tooLarge;
    try {
      record = records.output(out, null, now.toEpochMilli());
      tooLarge = records.tooLarge(record);
    } catch (RecordJson.Unwritable e) {
      record = null;
      tooLarge = e.getMessage();
    }
    if (tooLarge != null) {
      send(records.deadLetterOutput(out, template.stepNames().size(), Records.SINK_STEP, tooLarge));
      metrics.rejected(Records.SINK_STEP, true);
      return;
    }
    send(record);
    metrics.recordsOut.inc();
  }

  /**
   * Pipelines the write of one output to the feature store; an output that cannot become one (no
   * entity key) is a dead letter at once. The write counts once {@link #syncFeatures} saw its
   * reply.
   */
  private void store(ObjectNode out, DeadLetterFor deadLetter) {
    FeatureStore.Write write;
    try {
      write = features.toWrite(out);
    } catch (FeatureStore.Unstorable e) {
      send(deadLetter.apply(e.getMessage()));
      metrics.rejected(Records.SINK_STEP, true);
      return;
    }
    features.send(write, deadLetter);
  }

  /**
   * Waits for Redis to acknowledge the writes sent; the ones it refused for their record (a key
   * holding something other than a hash) become dead letters.
   *
   * @throws FeatureStore.StoreFailure when Redis cannot take writes: nothing since the last commit
   *     may commit
   */
  private void syncFeatures() {
    if (features == null || features.pending() == 0) {
      return;
    }
    int sent = features.pending();
    List<FeatureStore.Refused<DeadLetterFor>> refused = features.sync();
    metrics.recordsOut.inc(sent - refused.size());
    for (FeatureStore.Refused<DeadLetterFor> r : refused) {
      send(r.tag().apply(r.reason()));
      metrics.rejected(Records.SINK_STEP, true);
    }
    backoffMs = FIRST_BACKOFF_MS;
  }

  /**
   * Stops at the record a validate step with onInvalid fail refused: what came before it commits
   * (its offset is the next to read), it and everything after it wait for the user, and the worker
   * reports where it halted.
   */
  private void halt(TopicPartition tp, ConsumerRecord<byte[], byte[]> r, HaltException h) {
    offsets.put(tp, new OffsetAndMetadata(r.offset(), r.leaderEpoch(), ""));
    commit();
    running = false;
    LOG.error(
        "halted at {}: {} refused it: {} (validate onInvalid: fail)",
        h.halt().position(),
        h.halt().step(),
        h.halt().reason());
    throw h;
  }

  private void deadLetter(
      ConsumerRecord<byte[], byte[]> r, int stepIndex, String step, String reason) {
    send(records.deadLetter(r, stepIndex, step, reason));
    metrics.rejected(step, true);
  }

  private void deadLetterEmitted(ObjectNode emitted, RejectedRecordException e) {
    send(records.deadLetter(emitted, e));
    metrics.rejected(e.stepName(), true);
  }

  private void send(ProducerRecord<byte[], byte[]> record) {
    beginIfNeeded();
    sentSinceCommit = true;
    producer.send(
        record,
        (md, e) -> {
          if (e != null) {
            sendError.compareAndSet(null, e);
          }
        });
  }

  private void beginIfNeeded() {
    if (transactional && !inTransaction) {
      producer.beginTransaction();
      inTransaction = true;
    }
  }

  /** Emits closed windows, writes state changes, and commits them with the consumed offsets. */
  private void commit() {
    lastCommit = System.nanoTime();
    processPending(true);
    Instant now = Instant.now();
    for (Map.Entry<TopicPartition, TransformChain> e : chains.entrySet()) {
      TransformChain chain = e.getValue();
      if (stateful) {
        chain.flush(now, out -> emitFlushed(out, now), this::deadLetterEmitted);
        TopicPartition tp = e.getKey();
        chain.drainStateChanges(entry -> send(changelog.record(tp, entry)));
      }
    }
    // What was written to Redis is acknowledged before any offset past it commits.
    syncFeatures();
    if (offsets.isEmpty() && !inTransaction && !sentSinceCommit) {
      return;
    }
    if (lake != null) {
      commitLake();
      return;
    }
    if (transactional) {
      beginIfNeeded();
      if (!offsets.isEmpty()) {
        producer.sendOffsetsToTransaction(new HashMap<>(offsets), consumer.groupMetadata());
      }
      producer.commitTransaction();
      inTransaction = false;
    } else {
      producer.flush();
      Exception e = sendError.getAndSet(null);
      if (e != null) {
        throw new KafkaException("a send failed: " + e.getMessage(), e);
      }
      if (!offsets.isEmpty()) {
        consumer.commitSync(new HashMap<>(offsets));
      }
    }
    sentSinceCommit = false;
    offsets.clear();
    failuresSinceCommit = 0;
    metrics.transactionsCommitted.inc();
  }

  /**
   * Dead letters flushed to Kafka first (a crash after it sends them again), then one Iceberg
   * append with the data and the offsets, then the offsets to the group: only for lag metrics and
   * autoscaling, so a failure there is logged and forgotten.
   */
  private void commitLake() {
    producer.flush();
    Exception e = sendError.getAndSet(null);
    if (e != null) {
      throw new KafkaException("a dead letter could not be sent: " + e.getMessage(), e);
    }
    Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(offsets);
    if (!committed.isEmpty()) {
      Map<TopicPartition, Long> next = new HashMap<>();
      committed.forEach((tp, o) -> next.put(tp, o.offset()));
      lake.commit(next);
    }
    sentSinceCommit = false;
    offsets.clear();
    failuresSinceCommit = 0;
    backoffMs = FIRST_BACKOFF_MS;
    metrics.transactionsCommitted.inc();
    if (!committed.isEmpty()) {
      try {
        consumer.commitSync(committed);
      } catch (WakeupException w) {
        throw w;
      } catch (KafkaException k) {
        LOG.debug("advisory group offset commit failed: {}", k.toString());
      }
    }
  }

  private void abortQuietly() {
    offsets.clear();
    pending.clear(); // not committed: read again from the committed offsets
    if (lake != null) {
      lake.discard(); // its files are referenced by no snapshot
    }
    if (features != null) {
      features.close(); // writes in flight are forgotten; the next write reconnects
    }
    sendError.set(null);
    sentSinceCommit = false;
    if (inTransaction) {
      inTransaction = false;
      metrics.transactionsAborted.inc();
      try {
        producer.abortTransaction();
      } catch (KafkaException e) {
        LOG.warn("abort failed: {}", e.toString());
        throw e;
      }
    }
  }

  /** Back to the last commit: committed offsets and the state the changelog holds. */
  private void abortAndRewind() {
    abortQuietly();
    Set<TopicPartition> owned = new HashSet<>(consumer.assignment());
    rewind(owned);
  }

  private void rewind(Set<TopicPartition> owned) {
    if (owned.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> committed = committed(owned);
    Set<TopicPartition> fresh = new HashSet<>();
    for (TopicPartition tp : owned) {
      OffsetAndMetadata o = committed.get(tp);
      if (o != null) {
        consumer.seek(tp, o);
      } else {
        fresh.add(tp);
      }
    }
    if (!fresh.isEmpty()) {
      if ("latest".equals(settings.startingOffsets())) {
        consumer.seekToEnd(fresh);
      } else {
        consumer.seekToBeginning(fresh);
      }
    }
    for (TopicPartition tp : owned) {
      chains.put(tp, restoredChain(tp));
    }
  }

  /**
   * Where {@code owned} resume: the group's committed offsets, or with a lake sink the table's (the
   * group's only for partitions the table holds no offset of: a new table, or a stream that wrote
   * to Kafka before).
   */
  private Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> owned) {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    Set<TopicPartition> ask = new HashSet<>(owned);
    if (lake != null) {
      lake.positions(owned).forEach((tp, o) -> out.put(tp, new OffsetAndMetadata(o)));
      ask.removeAll(out.keySet());
    }
    if (!ask.isEmpty()) {
      consumer
          .committed(ask)
          .forEach(
              (tp, o) -> {
                if (o != null) out.put(tp, o);
              });
    }
    return out;
  }

  private TransformChain restoredChain(TopicPartition tp) {
    TransformChain chain = template.fork();
    if (stateful) {
      long n = changelog.restore(restoreReader, tp, chain);
      LOG.info("restored {} state entries of {}", n, tp);
    }
    return chain;
  }

  private void refreshGauges() {
    long now = System.nanoTime();
    if (now - lastGauges < 1_000_000_000L) {
      return;
    }
    lastGauges = now;
    long total = 0;
    for (TopicPartition tp : consumer.assignment()) {
      total += consumer.currentLag(tp).orElse(0);
    }
    lag = total;
    int entries = 0;
    for (TransformChain c : chains.values()) {
      entries += c.stateEntries();
      metrics.stateEvicted(c.drainEvictions());
    }
    stateEntries = entries;
  }

  private void closeClients() {
    Duration t = Duration.ofSeconds(5);
    try {
      if (consumer != null) {
        consumer.close(t); // leaves the group, so partitions move at once
      }
    } catch (RuntimeException e) {
      LOG.warn("consumer close: {}", e.toString());
    }
    try {
      if (producer != null) {
        producer.close(t);
      }
    } catch (RuntimeException e) {
      LOG.warn("producer close: {}", e.toString());
    }
    if (restoreReader != null) {
      restoreReader.close(t);
    }
    if (features != null) {
      features.close();
    }
    if (lake != null) {
      lake.close();
    }
  }

  void stop() {
    running = false;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  boolean ready() {
    return ready && failure == null;
  }

  Throwable failure() {
    return failure;
  }

  long lag() {
    return lag;
  }

  int stateEntries() {
    return stateEntries;
  }

  /** Commits before partitions leave, restores state when they arrive. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      try {
        commit();
      } catch (KafkaException | FeatureStore.StoreFailure | LakeStream.Failure e) {
        LOG.warn("commit before revocation failed: {}", e.toString());
        abortQuietly();
        Set<TopicPartition> kept = new HashSet<>(consumer.assignment());
        kept.removeAll(partitions);
        rewind(kept);
      }
      partitions.forEach(chains::remove);
      partitions.forEach(pending::remove);
      LOG.info("partitions revoked: {}", partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      metrics.rebalanced();
      if (lake != null && !partitions.isEmpty()) {
        // The table, not the group, holds where these partitions' records stop.
        Map<TopicPartition, Long> positions = lake.positions(partitions);
        positions.forEach(consumer::seek);
        LOG.info("resuming from the table's offsets: {}", positions);
      }
      for (TopicPartition tp : partitions) {
        chains.put(tp, restoredChain(tp));
      }
      LOG.info("partitions assigned: {}", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      // Another worker may own them already: nothing of the open transaction may commit.
      try {
        abortQuietly();
      } catch (KafkaException e) {
        LOG.warn("abort after losing partitions failed: {}", e.toString());
      }
      partitions.forEach(chains::remove);
      partitions.forEach(pending::remove);
      Set<TopicPartition> kept = new HashSet<>(consumer.assignment());
      kept.removeAll(partitions);
      rewind(kept);
      LOG.warn("partitions lost: {}", partitions);
    }
  }

  /** A record failed a validate step whose plan says onInvalid: fail. */
  static final class HaltException extends RuntimeException {
    private final RunSummary.Halt halt;

    HaltException(RunSummary.Halt halt) {
      super(
          "halted at "
              + halt.position()
              + ": "
              + halt.step()
              + " refused the record: "
              + halt.reason()
              + " (validate onInvalid: fail)",
          null,
          false,
          false);
      this.halt = halt;
    }

    RunSummary.Halt halt() {
      return halt;
    }

    /** Whether {@code r} is the record this halt is at. */
    boolean at(ConsumerRecord<byte[], byte[]> r) {
      return r.topic().equals(halt.topic())
          && r.partition() == halt.partition()
          && r.offset() == halt.offset();
    }
  }

  /** A partition's records gathered for a batch, and when the first of them arrived. */
  private static final class Pending {
    final long since;
    final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

    Pending(long since) {
      this.since = since;
    }
  }
}

package io.tributary.runtime.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.plan.KafkaClientSettings;
import io.tributary.plan.KafkaEndpoint;
import io.tributary.runtime.storage.ObjectStores;
import io.tributary.runtime.storage.S3Location;
import io.tributary.runtime.storage.S3Objects;
import io.tributary.runtime.transform.DeadLetterMask;
import io.tributary.runtime.transform.RecordJson;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a batch run's rejected records go, each with the reason and the step that rejected it: a
 * JSON Lines file {@code <deadLetter.path>/<runId>.jsonl} (rewritten by a retry of the run, so it
 * never doubles) or a Kafka topic with headers. Without either, rejects are counted, the first ones
 * logged with their reasons, and the run summary says they were kept nowhere.
 *
 * <p>When the plan has classified fields, every dead letter has them hidden ({@link
 * DeadLetterMask}), listed in the entry's {@code masked}; input the source could not make a record
 * of is not kept (it cannot be masked field by field): the entry gives its size instead.
 */
public final class DeadLetters implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Without a destination, the first rejections are logged with their reasons, then counted. */
  static final int LOGGED_WITHOUT_DESTINATION = 10;

  private final String runId;
  private final Path file;
  private final Path tmp;
  private OutputStream writer;
  private final KafkaProducer<String, byte[]> producer;
  private final int maxRecordBytes;
  private final String topic;
  private final DeadLetterMask mask;
  private long count;
  private String first;
  private boolean closed;

  /** With an s3:// path: the object the local file is uploaded to at close, and its store. */
  private S3Location remote;

  private S3Objects store;
  private final AtomicReference<Exception> sendFailure = new AtomicReference<>();

  private DeadLetters(
      String runId, Path file, KafkaEndpoint cluster, String topic, DeadLetterMask mask) {
    this.runId = runId;
    this.mask = mask;
    this.file = file;
    this.tmp = file == null ? null : file.resolveSibling("." + file.getFileName() + ".tmp");
    this.topic = topic;
    if (topic != null) {
      Properties props =
          KafkaClientSettings.properties(KafkaClientSettings.deadLetterProducer(cluster));
      this.maxRecordBytes =
          KafkaRecordLimit.maxRecordBytes(cluster, topic, KafkaRecordLimit.producerMaxBytes(props));
      this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    } else {
      this.producer = null;
      this.maxRecordBytes = Integer.MAX_VALUE;
    }
  }

  /**
   * The plan's dead-letter destination: a topic, a directory, or (neither set) only counts. A topic
   * lives on the cluster the plan compiler chose (the sink's Kafka cluster, else the source's) and
   * is written with that cluster's security settings.
   */
  public static DeadLetters open(WorkerPlan plan, SecretFiles secrets, String runId) {
    return open(plan, secrets, runId, runId);
  }

  /**
   * {@link #open(WorkerPlan, SecretFiles, String)} writing a directory's rejects to {@code
   * <file>.jsonl}: one file per part of a run split into parts, each rewritten by its part's retry.
   */
  public static DeadLetters open(WorkerPlan plan, SecretFiles secrets, String runId, String file) {
    WorkerPlan.DeadLetters spec = plan.deadLetter();
    DeadLetterMask mask = DeadLetterMask.compile(plan, secrets.secrets());
    if (spec.topic() != null) {
      KafkaEndpoint cluster =
          KafkaEndpoint.deadLetters(spec, plan.source(), plan.sink(), secrets::read);
      return new DeadLetters(runId, null, cluster, spec.topic(), mask);
    }
    String path = spec.path();
    if (S3Location.isS3(path)) {
      // The plan compiler allows an s3:// path only beside an s3:// lake sink: its store.
      Path local =
          Path.of(System.getProperty("java.io.tmpdir"), "tributary-rejected", file + ".jsonl");
      DeadLetters d = new DeadLetters(runId, local, null, null, mask);
      d.remote = S3Location.parse(path).resolve(file + ".jsonl");
      d.store = ObjectStores.objects(plan.sink().lake().s3(), secrets, "sink.lake.s3");
      return d;
    }
    return new DeadLetters(
        runId, path == null ? null : Path.of(path, file + ".jsonl"), null, null, mask);
  }

  /**
   * Dead-letters one record taken at the source or inside the chain (or the raw input the source
   * could not make a record of), its classified fields hidden.
   */
  public void write(String step, String reason, ObjectNode record, String raw) throws IOException {
    if (!keeps()) {
      write(step, reason, null, null, raw);
      return;
    }
    write(step, reason, record == null ? null : mask.anywhere(record), record, raw);
  }

  /**
   * Dead-letters a record the chain delivered and the sink refused: fields the chain masked stay as
   * they are, other classified fields (even those the sink may hold) are hidden.
   */
  public void writeOutput(String step, String reason, ObjectNode record) throws IOException {
    if (!keeps()) {
      write(step, reason, null, null, null);
      return;
    }
    write(step, reason, mask.output(record), record, null);
  }

  private void write(
      String step, String reason, DeadLetterMask.Masked masked, ObjectNode record, String raw)
      throws IOException {
    count++;
    if (count == 1) {
      first = step + ": " + shown(reason);
    }
    if (file == null && producer == null) {
      if (count <= LOGGED_WITHOUT_DESTINATION) {
        LOG.warn(
            "run {}: record rejected by {} and kept nowhere (no deadLetter.path or"
                + " deadLetter.topic): {}",
            runId,
            step,
            shown(reason));
      }
      return;
    }
    ObjectNode entry = JSON.createObjectNode();
    entry.put("runId", runId);
    entry.put("step", step);
    entry.put("reason", reason);
    entry.put("rejectedAt", Instant.now().toString());
    if (masked != null) {
      entry.set("record", masked.record());
      if (!masked.fields().isEmpty()) {
        entry.set("masked", JSON.valueToTree(masked.fields()));
      }
    } else if (record != null) {
      entry.set("record", record);
    }
    if (raw != null && mask.active()) {
      entry.put("rawBytes", raw.getBytes(StandardCharsets.UTF_8).length);
      entry.put(
          "note",
          "the input is not kept: it is not a record, so its classified fields cannot be masked");
    } else if (raw != null) {
      entry.put("raw", raw);
    }
    if (producer != null) {
      ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, null, bytes(entry));
      r.headers().add("tributary.step", step.getBytes(StandardCharsets.UTF_8));
      r.headers().add("tributary.reason", reason.getBytes(StandardCharsets.UTF_8));
      r.headers().add("tributary.run", runId.getBytes(StandardCharsets.UTF_8));
      long size = KafkaRecordLimit.size(null, r.value(), r.headers().toArray());
      if (size > maxRecordBytes) {
        // Sent as it is, it would fail the run at the end, and every retry with it: keep the
        // step and reason, and say how large the record was.
        entry.remove("record");
        entry.remove("raw");
        entry.put("recordBytes", size);
        entry.put(
            "note",
            "the record is too large for the dead-letter topic ("
                + size
                + " bytes, the topic takes "
                + maxRecordBytes
                + ")");
        r = new ProducerRecord<>(topic, null, (String) null, bytes(entry), r.headers());
      }
      producer.send(
          r,
          (md, e) -> {
            if (e != null) sendFailure.compareAndSet(null, e);
          });
      return;
    }
    if (writer == null) {
      Files.createDirectories(file.getParent());
      writer = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
    }
    writer.write(bytes(entry));
    writer.write('\n');
  }

  /**
   * The entry as UTF-8 JSON with the shared writer (a lone surrogate in a record becomes its escape
   * instead of failing the encoder); an entry even that cannot write keeps only step and reason.
   */
  private static byte[] bytes(ObjectNode entry) {
    try {
      return RecordJson.write(entry);
    } catch (RecordJson.Unwritable e) {
      entry.remove("record");
      entry.remove("raw");
      entry.put("note", e.getMessage());
      return RecordJson.write(entry);
    }
  }

  public long count() {
    return count;
  }

  /** Whether rejects are kept (a path or topic is configured), not only counted. */
  public boolean keeps() {
    return file != null || producer != null;
  }

  /**
   * A reason as logs and the run summary (in the resource's status) show it. Reasons should name
   * fields and positions only, but a parser's message can quote a piece of the input ("Unrecognized
   * token 'abc'"): quoted text is masked there; the dead letter itself keeps the whole reason.
   */
  static String shown(String reason) {
    return QUOTED.matcher(reason).replaceAll("'…'");
  }

  private static final Pattern QUOTED = Pattern.compile("'[^']*'");

  /**
   * What the run summary says about this run's rejects, or null when there were none: how many,
   * where they went (or that they were kept nowhere, and how to keep them), and the first reason.
   */
  public String note() {
    if (count == 0) {
      return null;
    }
    String where =
        producer != null
            ? "dead-lettered to topic " + topic
            : file != null
                ? "dead-lettered to " + (remote != null ? remote : file)
                : "NOT kept: no dead-letter destination is configured (set deadLetter.path or"
                    + " deadLetter.topic to keep them)";
    return count
        + (count == 1 ? " record" : " records")
        + " rejected, "
        + where
        + "; first: "
        + first;
  }

  /**
   * Publishes the file (atomically) or flushes the producer; fails when a dead letter could not be
   * stored, so the run never commits having lost one. Closing twice is harmless.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (writer != null) {
      writer.close();
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      writer = null;
      if (remote != null) {
        store.upload(file, remote); // one PUT: the object appears whole
        Files.delete(file);
      }
    }
    if (store != null) store.close();
    if (producer != null) {
      producer.flush();
      producer.close();
      if (sendFailure.get() != null) {
        throw new IOException(
            "dead letters could not be written to topic " + topic + ": " + sendFailure.get(),
            sendFailure.get());
      }
    }
  }
}

package io.tributary.runtime.batch.sink;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.events.TableCommit;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.SinkSchema;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.runtime.batch.BadRecordException;
import io.tributary.runtime.batch.RecordSink;
import io.tributary.runtime.batch.SecretFiles;
import io.tributary.runtime.storage.ObjectStores;
import io.tributary.runtime.storage.S3Location;
import io.tributary.runtime.storage.S3Objects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run into a lake dataset: Parquet or JSON Lines files in Hive-style partition
 * directories, staged and committed by {@link LakeCommit}.
 *
 * <p>A run writes exactly one file per partition it touches, so publishing a partition is one
 * atomic rename: a reader sees all of a run's rows of a partition or none of them, even while a
 * commit is interrupted.
 *
 * <p>At most {@code maxOpenFiles} partition files are open at once (each buffers a row group);
 * records of further partitions are spilled to the staging directory ({@link PartitionSpill}) and
 * written when the open files are closed, so a partitionBy with 100,000 values runs in a small heap
 * and still writes one file per partition.
 */
public final class LakeWriter implements RecordSink {
  private static final Logger LOG = LoggerFactory.getLogger(LakeWriter.class);

  /**
   * Spilled records are written and read back as JSON: exact for every value a record holds
   * (doubles round-trip, big numbers stay BigDecimal).
   */
  private static final ObjectMapper SPILL_JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  /** Records buffered to infer the Parquet columns when the plan has no sink schema. */
  static final int INFERENCE_SAMPLE = 1000;

  private final LakeSink spec;
  private final List<String> partitionBy;
  private final LakeCommit commit;
  private final String runId;
  private List<Columns.Column> columns;

  /**
   * The columns of the plan's sink schema (the fields at the sink, computed by the plan compiler),
   * fixed from the start: what {@link #prepare} converts to.
   */
  private final List<Columns.Column> schemaColumns;

  private final List<ObjectNode> sample = new ArrayList<>();
  private final Map<String, PartFile> open = new LinkedHashMap<>();
  private final List<LakeManifest.FileEntry> closed = new ArrayList<>();
  private final Set<String> warnedDropped = new HashSet<>();
  private Set<String> columnNames;
  private int fileSeq;
  private int spillSeq;
  private long written;

  /** Partition files kept open at once (sink.lake.maxOpenFiles). */
  private final int maxOpenFiles;

  /** Records of partitions that found no open file; null until the first one. */
  private PartitionSpill spill;

  /** The manifest this run committed (or an earlier attempt did); null before. */
  private LakeManifest committed;

  /** The object store client of an s3:// dataset; null for a directory. */
  private final S3Objects s3;

  /** A writer of the dataset in the directory {@code spec.path()}. */
  public LakeWriter(LakeSink spec, SinkSchema schema, String runId) {
    this(spec, schema, runId, new LocalLakeStorage(Path.of(spec.path())), null, null);
  }

  /**
   * A writer of the dataset at {@code spec.path()}: a directory, or an s3:// prefix reached with
   * spec.s3 (its part files are staged under the worker's temp directory before the upload).
   */
  public static LakeWriter open(LakeSink spec, SinkSchema schema, String runId, SecretFiles secrets)
      throws IOException {
    return open(spec, schema, new WorkerPlan.Run(runId, 1, null), secrets, null);
  }

  /**
   * A writer of part {@code part} (0-based) of a run split into parts: it stages its files and its
   * part manifest, and publishes nothing ({@link LakeParts} does, for all parts at once); with
   * {@code part} null, a writer of the whole run.
   */
  public static LakeWriter open(
      LakeSink spec, SinkSchema schema, WorkerPlan.Run run, SecretFiles secrets, Integer part)
      throws IOException {
    String runId = run.id();
    String partName = part == null ? null : LakeCommit.partName(run.attempt(), part);
    if (!S3Location.isS3(spec.path())) {
      return new LakeWriter(
          spec, schema, runId, new LocalLakeStorage(Path.of(spec.path())), null, partName);
    }
    S3Objects s3 = ObjectStores.objects(spec.s3(), secrets, "sink.lake.s3");
    return new LakeWriter(spec, schema, runId, s3Storage(spec, s3), s3, partName);
  }

  /** The dataset at an s3:// {@code spec.path()}, its files staged under the temp directory. */
  static LakeStorage s3Storage(LakeSink spec, S3Objects s3) throws IOException {
    Path local = Path.of(System.getProperty("java.io.tmpdir"), "tributary-lake");
    Files.createDirectories(local);
    return new S3LakeStorage(s3, S3Location.parse(spec.path()), local);
  }

  private LakeWriter(
      LakeSink spec,
      SinkSchema schema,
      String runId,
      LakeStorage storage,
      S3Objects s3,
      String part) {
    this.spec = spec;
    this.partitionBy = spec.partitionBy() == null ? List.of() : spec.partitionBy();
    this.runId = runId;
    this.s3 = s3;
    this.commit = new LakeCommit(storage, runId, part);
    if (schema != null) {
      this.columns = Columns.fromSchema(schema, partitionBy);
    }
    this.schemaColumns = columns;
    this.maxOpenFiles = spec.maxOpenFiles();
  }

  @Override
  public Optional<RunSummary> begin() throws IOException {
    Optional<LakeManifest> earlier = commit.recover();
    committed = earlier.orElse(null);
    return earlier.map(LakeManifest::summary);
  }

  @Override
  public void write(ObjectNode record) throws IOException, BadRecordException {
    if (spec.format() == FileFormat.PARQUET && columns == null) {
      sample.add(record);
      if (sample.size() >= INFERENCE_SAMPLE) {
        drainSample();
      }
      return;
    }
    writeNow(record);
  }

  /** A Parquet row converted off the run's thread: its partition and its column values. */
  private record Row(String partition, Object[] values, ObjectNode record) {}

  /**
   * With columns from the sink schema, converts a Parquet record to its partition and column values
   * (thread-safe: reads only final fields). Otherwise the record itself.
   */
  @Override
  public Object prepare(ObjectNode record) throws BadRecordException {
    if (spec.format() != FileFormat.PARQUET || schemaColumns == null) {
      return record;
    }
    Object[] values = new Object[schemaColumns.size()];
    for (int i = 0; i < values.length; i++) {
      Columns.Column c = schemaColumns.get(i);
      values[i] = Columns.convert(c, record.get(c.name()));
    }
    return new Row(partitionPath(record, partitionBy), values, record);
  }

  @Override
  public void writePrepared(Object prepared) throws IOException, BadRecordException {
    if (!(prepared instanceof Row row)) {
      write((ObjectNode) prepared);
      return;
    }
    if (written < INFERENCE_SAMPLE || (written & 0xFFFF) == 0) {
      warnDroppedFields(row.record());
    }
    PartFile file = fileFor(row.partition());
    if (file == null) {
      spill(row.partition(), row.record());
    } else {
      ((ParquetPartFile) ((Named) file).file).writeValues(row.values());
    }
    written++;
  }

  private void drainSample() throws IOException, BadRecordException {
    columns = Columns.infer(sample, partitionBy);
    LOG.info("run {}: lake columns inferred from the first {} records", runId, sample.size());
    List<ObjectNode> pending = new ArrayList<>(sample);
    sample.clear();
    for (ObjectNode r : pending) {
      writeNow(r);
    }
  }

  private void writeNow(ObjectNode record) throws IOException, BadRecordException {
    String partition = partitionPath(record, partitionBy);
    PartFile file = fileFor(partition);
    if (spec.format() == FileFormat.PARQUET && schemaColumns == null) {
      rejectFieldsOutsideInferredColumns(record);
    } else if (written < INFERENCE_SAMPLE || (written & 0xFFFF) == 0) {
      // The sink schema lists every field the steps leave, so only a field the schema does not
      // declare (with a jsonSchema, the listed fields are a projection) is left out. Checking every
      // record's names costs more than the write: sample them.
      warnDroppedFields(record);
    }
    if (file != null) {
      file.write(record);
    } else {
      if (spec.format() == FileFormat.PARQUET) {
        // Rejected now, while the run can still dead-letter it, not when the spill is written.
        for (Columns.Column c : columns) Columns.convert(c, record.get(c.name()));
      }
      spill(partition, record);
    }
    written++;
  }

  /** The open file of a partition, a new one while fewer than maxOpenFiles are open, else null. */
  private PartFile fileFor(String partition) throws IOException {
    PartFile file = open.get(partition);
    if (file == null && open.size() < maxOpenFiles) {
      file = newFile(partition);
    }
    return file;
  }

  private void spill(String partition, ObjectNode record) throws IOException {
    if (spill == null) {
      spill = newSpill(0);
      LOG.info(
          "run {}: more than {} partitions (sink.lake.maxOpenFiles): spilling the records of"
              + " further partitions to staging; they are written after the open files",
          runId,
          maxOpenFiles);
    }
    spill.add(partition, SPILL_JSON.writeValueAsBytes(record));
  }

  private PartitionSpill newSpill(int level) {
    return new PartitionSpill(commit.staging().resolve("_spill/" + spillSeq++), level);
  }

  /**
   * Writes what was spilled, one bucket at a time: each bucket's partitions get files as long as
   * fewer than maxOpenFiles are open, the rest go one level down; the files are closed when the
   * bucket is done, so every partition still ends up in exactly one file.
   */
  private void writeSpill(PartitionSpill s) throws Exception {
    for (Path bucket : s.finish()) {
      PartitionSpill[] next = new PartitionSpill[1];
      PartitionSpill.read(
          bucket,
          line -> {
            PartFile file = open.get(line.partition());
            if (file == null && open.size() < maxOpenFiles) {
              file = newFile(line.partition());
            }
            if (file == null) {
              if (next[0] == null) next[0] = newSpill(s.level() + 1);
              next[0].add(line.partition(), line.json().getBytes(StandardCharsets.UTF_8));
            } else {
              file.write((ObjectNode) SPILL_JSON.readTree(line.json()));
            }
          });
      Files.delete(bucket);
      closeOpenFiles();
      if (next[0] != null) {
        writeSpill(next[0]);
      }
    }
  }

  private void closeOpenFiles() throws IOException {
    for (String p : new ArrayList<>(open.keySet())) {
      closeFile(p);
    }
  }

  /**
   * Columns inferred from the first records must not silently lose a field that only later records
   * have: such a record is rejected, naming the fields. Counting the record's known fields is one
   * lookup per column; only a record with more fields than that pays for finding their names.
   */
  private void rejectFieldsOutsideInferredColumns(ObjectNode record) throws BadRecordException {
    int known = 0;
    for (Columns.Column c : columns) {
      if (record.has(c.name())) known++;
    }
    for (String p : partitionBy) {
      if (record.has(p)) known++;
    }
    if (known == record.size()) {
      return;
    }
    List<String> other = new ArrayList<>();
    Set<String> names = new HashSet<>(partitionBy);
    columns.forEach(c -> names.add(c.name()));
    record
        .fields()
        .forEachRemaining(
            e -> {
              // A null loses nothing: the column is simply absent.
              if (!names.contains(e.getKey()) && !e.getValue().isNull() && other.size() < 10) {
                other.add(e.getKey());
              }
            });
    if (other.isEmpty()) {
      return;
    }
    throw new BadRecordException(
        "sink",
        "field"
            + (other.size() == 1 ? " " : "s ")
            + String.join(", ", other)
            + " not in the Parquet columns, which were inferred from the first "
            + INFERENCE_SAMPLE
            + " records; list every field in spec.schema to write it");
  }

  private void warnDroppedFields(ObjectNode record) {
    if (columns == null || warnedDropped.size() > 100) {
      return;
    }
    if (columnNames == null) {
      columnNames = new HashSet<>();
      columns.forEach(c -> columnNames.add(c.name()));
      columnNames.addAll(partitionBy);
    }
    var names = record.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!columnNames.contains(n) && warnedDropped.add(n)) {
        LOG.warn(
            "run {}: field {} is not a lake column and is not written; list it in spec.schema",
            runId,
            n);
      }
    }
  }

  private PartFile newFile(String partition) throws IOException {
    String ext = spec.format() == FileFormat.PARQUET ? ".parquet" : ".jsonl";
    String name = String.format("part-%s-%05d%s", commit.fileStem(), fileSeq++, ext);
    String rel = partition.isEmpty() ? name : partition + "/" + name;
    Path path = commit.staging().resolve(rel);
    Files.createDirectories(path.getParent());
    PartFile f =
        spec.format() == FileFormat.PARQUET
            ? new ParquetPartFile(path, columns, rowGroupBytes(open.size() + 1))
            : new JsonlPartFile(path, partitionBy);
    open.put(partition, new Named(rel, f));
    return open.get(partition);
  }

  private void closeFile(String partition) throws IOException {
    Named f = (Named) open.remove(partition);
    f.close();
    closed.add(new LakeManifest.FileEntry(f.rel, f.records()));
  }

  /**
   * Writes the records held back to infer the columns. None of them can be rejected: the columns
   * were inferred to fit every one.
   */
  @Override
  public void flush() throws IOException, BadRecordException {
    if (!sample.isEmpty()) {
      drainSample();
    }
  }

  @Override
  public void commit(RunSummary summary) throws IOException, BadRecordException {
    flush();
    closeOpenFiles();
    if (spill != null) {
      try {
        writeSpill(spill);
      } catch (IOException | BadRecordException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException("run " + runId + ": writing spilled partitions failed", e);
      }
      LakeCommit.deleteTree(commit.staging().resolve("_spill"));
    }
    LakeManifest m =
        new LakeManifest(
            runId,
            Instant.now().toString(),
            spec.format() == FileFormat.PARQUET ? "parquet" : "jsonl",
            partitionBy,
            written,
            List.copyOf(closed),
            columns,
            summary);
    commit.commit(m);
    committed = m;
    LOG.info(
        "run {}: {} {} records in {} files to {}",
        runId,
        commit.stagesAPart() ? "staged (the commit index publishes them)" : "committed",
        written,
        closed.size(),
        spec.path());
  }

  /**
   * The dataset directory, the run's manifest ({@code _runs/<run id>.json}) and its file count.
   * Plain files have no snapshot id.
   */
  @Override
  public Optional<TableCommit> committed() {
    if (committed == null) return Optional.empty();
    return Optional.of(TableCommit.files(spec.path(), commit.manifest(), committed.files().size()));
  }

  @Override
  public void abort() {
    for (PartFile f : open.values()) {
      try {
        f.close();
      } catch (IOException | RuntimeException e) {
        // the staging directory is deleted next; a half-closed file does not matter
      }
    }
    open.clear();
    commit.abort();
  }

  @Override
  public long written() {
    return written;
  }

  @Override
  public void close() {
    if (s3 != null) s3.close();
  }

  /**
   * An open partition file buffers one row group, so the more files are open, the smaller their row
   * groups: together they stay within a quarter of the heap (between 1 and 128 MiB each), and at
   * most maxOpenFiles are open.
   */
  static long rowGroupBytes(int openFiles) {
    long budget = Runtime.getRuntime().maxMemory() / 4 / Math.max(1, openFiles);
    return Math.max(1L << 20, Math.min(128L << 20, budget));
  }

  /** The Hive-style partition path of a record, e.g. {@code country=AE/day=2026-11-25}. */
  static String partitionPath(ObjectNode record, List<String> partitionBy) {
    if (partitionBy.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (String col : partitionBy) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      JsonNode v = record.get(col);
      String text = v == null || v.isNull() ? "" : v.asText();
      sb.append(col)
          .append('=')
          .append(text.isEmpty() ? "__HIVE_DEFAULT_PARTITION__" : escape(text));
    }
    return sb.toString();
  }

  /** Hive's path escaping: characters that would change the path are written as %XX. */
  static String escape(String value) {
    StringBuilder sb = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      boolean plain =
          c >= 0x20 && c < 0x7f && "\"#%'*/:=?\\{[]^".indexOf(c) < 0 && !(sb.isEmpty() && c == '.');
      if (plain) {
        sb.append(c);
      } else {
        sb.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return sb.toString();
  }

  /** A part file with its path relative to the dataset. */
  private static final class Named implements PartFile {
    final String rel;
    final PartFile file;

    Named(String rel, PartFile file) {
      this.rel = rel;
      this.file = file;
    }

    @Override
    public void write(ObjectNode record) throws IOException, BadRecordException {
      file.write(record);
    }

    @Override
    public long records() {
      return file.records();
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }
}

package io.tributary.runtime.batch.sink;

import io.tributary.events.TableCommit;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.runtime.batch.RunFailure;
import io.tributary.runtime.batch.SecretFiles;
import io.tributary.runtime.storage.ObjectStores;
import io.tributary.runtime.storage.S3Location;
import io.tributary.runtime.storage.S3Objects;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The last step of a lake run split into parts: once every part has staged its files and its part
 * manifest ({@link LakeWriter#open} with a part), publishes them all with one {@code _COMMIT}
 * manifest, through the same protocol as a one-pod run ({@link LakeCommit}). Readers see all parts
 * at once or none; a part retried before the commit replaced its own staged files, so nothing
 * doubles; a commit retried after a crash finishes the publish from {@code _COMMIT}.
 */
public final class LakeParts implements AutoCloseable {
  private final LakeSink spec;
  private final String runId;
  private final int attempt;
  private final LakeCommit commit;
  private final S3Objects s3;
  private LakeManifest committed;

  private LakeParts(LakeSink spec, WorkerPlan.Run run, LakeStorage storage, S3Objects s3) {
    this.spec = spec;
    this.runId = run.id();
    this.attempt = run.attempt();
    this.commit = new LakeCommit(storage, run.id());
    this.s3 = s3;
  }

  /**
   * The commit step of this attempt of {@code run} into the dataset at {@code spec.path()}: it
   * publishes the parts this attempt staged.
   */
  public static LakeParts open(LakeSink spec, WorkerPlan.Run run, SecretFiles secrets)
      throws IOException {
    if (!S3Location.isS3(spec.path())) {
      return new LakeParts(spec, run, new LocalLakeStorage(Path.of(spec.path())), null);
    }
    S3Objects s3 = ObjectStores.objects(spec.s3(), secrets, "sink.lake.s3");
    return new LakeParts(spec, run, LakeWriter.s3Storage(spec, s3), s3);
  }

  /**
   * Publishes the {@code parts} parts if all are staged, and returns the run's summary (the parts'
   * counts added up); empty while a part is missing. Idempotent: a run already committed returns
   * its summary again.
   *
   * @param durationMillis how long the run took so far, for the summary
   */
  public Optional<RunSummary> tryCommit(int parts, long durationMillis) throws IOException {
    Optional<LakeManifest> m =
        commit.commitParts(attempt, parts, staged -> combine(staged, durationMillis));
    m.ifPresent(done -> committed = done);
    return m.map(LakeManifest::summary);
  }

  /** The parts not staged yet, e.g. {@code [attempt-1/part-00002]}. */
  public List<String> missing(int parts) throws IOException {
    return commit.missingParts(attempt, parts);
  }

  /** Where the run was committed, once it was. */
  public Optional<TableCommit> committed() {
    if (committed == null) return Optional.empty();
    return Optional.of(TableCommit.files(spec.path(), commit.manifest(), committed.files().size()));
  }

  /**
   * One manifest of the parts' files and counts. Parts agree on their columns when spec.schema
   * lists the fields; inferred from each part's own records they may not, and then the run fails
   * rather than publish files a reader cannot read as one dataset.
   */
  private LakeManifest combine(List<LakeManifest> staged, long durationMillis) {
    List<LakeManifest.FileEntry> files = new ArrayList<>();
    List<RunSummary> summaries = new ArrayList<>();
    List<Columns.Column> columns = null;
    String columnsOf = null;
    long records = 0;
    for (int i = 0; i < staged.size(); i++) {
      LakeManifest part = staged.get(i);
      files.addAll(part.files());
      summaries.add(part.summary());
      records += part.records();
      if (part.columns() == null || part.records() == 0) continue;
      if (columns == null) {
        columns = part.columns();
        columnsOf = LakeCommit.partName(attempt, i);
      } else if (!Objects.equals(columns, part.columns())) {
        throw RunFailure.permanent(
            "sink.lake: "
                + LakeCommit.partName(attempt, i)
                + " inferred other columns than "
                + columnsOf
                + " ("
                + part.columns()
                + " vs "
                + columns
                + "); list the fields in spec.schema so every part writes the same columns."
                + " Nothing was published.",
            null);
      }
    }
    if (columns == null && !staged.isEmpty()) columns = staged.get(0).columns();
    RunSummary summary =
        RunSummary.sumOfParts(
            runId, summaries, durationMillis, "committed " + staged.size() + " parts at once");
    return new LakeManifest(
        runId,
        Instant.now().toString(),
        spec.format() == FileFormat.PARQUET ? "parquet" : "jsonl",
        staged.isEmpty() ? null : staged.get(0).partitionBy(),
        records,
        List.copyOf(files),
        columns,
        summary);
  }

  @Override
  public void close() {
    if (s3 != null) s3.close();
  }
}

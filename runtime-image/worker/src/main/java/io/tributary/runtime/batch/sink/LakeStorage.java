package io.tributary.runtime.batch.sink;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a lake dataset lives, as {@link LakeCommit} uses it: a directory ({@link LocalLakeStorage})
 * or an S3 prefix ({@link S3LakeStorage}). Paths are relative to the dataset, '/'-separated ({@code
 * _runs/run-7.json}, {@code day=2026-11-25/part-run-7-00000.parquet}).
 *
 * <p>Part files are always written to a local directory first ({@link #localStaging}); {@link
 * #stage} makes them durable where the dataset is, so a later attempt can publish them after the
 * writer is gone.
 */
interface LakeStorage {
  /** The local directory this run writes its part files and spills to. */
  Path localStaging(String runId);

  /** Makes the staged files durable under {@code stagingRel}; a local dataset has them there. */
  void stage(String runId, List<String> files) throws IOException;

  boolean exists(String rel) throws IOException;

  byte[] read(String rel) throws IOException;

  /** Writes the file so that a reader sees all of it or nothing (replacing it). */
  void writeAtomically(String rel, byte[] bytes) throws IOException;

  /**
   * Publishes one staged file to its place in the dataset, in one atomic step. Returns false when
   * the staged file is gone; the caller then checks that it was published before.
   */
  boolean publish(String stagedRel, String rel) throws IOException;

  /** Deletes everything below {@code rel} (and the run's local staging directory). */
  void deleteTree(String rel) throws IOException;

  /** The dataset location of {@code rel}, as readers and events name it. */
  String location(String rel);
}

package io.tributary.runtime.batch.sink;

import io.tributary.runtime.storage.S3Location;
import io.tributary.runtime.storage.S3Objects;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A dataset under an S3 prefix. S3 has no rename, so the commit protocol's steps become object
 * operations with the same guarantees:
 *
 * <ul>
 *   <li>part files are written to a local directory ({@code <tmp>/tributary-lake/<runId>}) and, at
 *       commit, uploaded to {@code <prefix>/_staging/<runId>/}: invisible to readers, durable for a
 *       retry;
 *   <li>the {@code _COMMIT} manifest, {@code _runs/<runId>.json} and {@code _SUCCESS} are single
 *       PUTs, which appear whole or not at all;
 *   <li>publishing a file is a server-side copy to its partition key (one object appears whole; the
 *       name carries the run id, so a retry's copy rewrites the same bytes), and the staged copy is
 *       deleted with the rest of {@code _staging/<runId>/} at the end.
 * </ul>
 */
final class S3LakeStorage implements LakeStorage {
  private final S3Objects s3;
  private final S3Location dataset;
  private final Path localRoot;

  /**
   * @param localRoot where runs stage their part files before the upload (the worker's temp dir)
   */
  S3LakeStorage(S3Objects s3, S3Location dataset, Path localRoot) {
    this.s3 = s3;
    this.dataset = dataset;
    this.localRoot = localRoot;
  }

  @Override
  public Path localStaging(String runId) {
    return localRoot.resolve(runId);
  }

  @Override
  public void stage(String runId, List<String> files) throws IOException {
    S3Location staging = dataset.resolve(LakeCommit.STAGING + "/" + runId);
    for (String f : files) {
      s3.upload(localStaging(runId).resolve(f), staging.resolve(f));
    }
  }

  @Override
  public boolean exists(String rel) throws IOException {
    return s3.exists(dataset.resolve(rel));
  }

  @Override
  public byte[] read(String rel) throws IOException {
    return s3.read(dataset.resolve(rel));
  }

  @Override
  public void writeAtomically(String rel, byte[] bytes) throws IOException {
    s3.put(dataset.resolve(rel), bytes);
  }

  @Override
  public boolean publish(String stagedRel, String rel) throws IOException {
    return s3.copy(dataset.resolve(stagedRel), dataset.resolve(rel));
  }

  @Override
  public void deleteTree(String rel) throws IOException {
    s3.deleteAll(dataset.resolve(rel));
    String staging = LakeCommit.STAGING + "/";
    if (rel.startsWith(staging)) {
      LocalLakeStorage.deleteTree(localRoot.resolve(rel.substring(staging.length())));
    }
  }

  @Override
  public String location(String rel) {
    return dataset.resolve(rel).toString();
  }
}

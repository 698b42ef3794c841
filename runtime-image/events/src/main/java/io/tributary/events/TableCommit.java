package io.tributary.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where a run's output was committed, as the sink reports it, so a consumer can read exactly that
 * version of the dataset.
 *
 * @param location the dataset's directory (or table location)
 * @param manifest the run's commit manifest, listing its files (lake: {@code _runs/<run id>.json})
 * @param files data files the run committed
 * @param snapshotId the table snapshot the commit made, for table formats that have snapshots
 *     (Iceberg); null for plain files, which have none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableCommit(String location, String manifest, Integer files, Long snapshotId) {

  /** A commit of plain files, which has no snapshot id. */
  public static TableCommit files(String location, String manifest, int files) {
    return new TableCommit(location, manifest, files, null);
  }
}

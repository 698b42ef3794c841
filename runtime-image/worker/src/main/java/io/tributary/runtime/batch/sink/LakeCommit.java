package io.tributary.runtime.batch.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake's commit protocol. A run writes its files under {@code <dataset>/_staging/<runId>/}
 * (hidden from Hive-style readers by the leading underscore). To commit it:
 *
 * <ol>
 *   <li>write {@code _staging/<runId>/_COMMIT}, the manifest, atomically: from here on the run is
 *       decided and only ever rolls forward;
 *   <li>move each data file to its partition directory (an atomic rename; the file names carry the
 *       run id, so a move repeated by a retry finds its file already there);
 *   <li>write {@code _runs/<runId>.json} and {@code _SUCCESS}, then delete the staging directory.
 * </ol>
 *
 * <p>An attempt that dies before step 1 leaves only staging files, which the retry deletes and
 * rewrites: nothing was visible, nothing doubles. One that dies during step 2 or 3 is finished by
 * the retry from the {@code _COMMIT} manifest, without reading the source again.
 */
final class LakeCommit {
  private static final Logger LOG = LoggerFactory.getLogger(LakeCommit.class);
  static final String STAGING = "_staging";
  static final String RUNS = "_runs";
  static final String COMMIT = "_COMMIT";
  static final String SUCCESS = "_SUCCESS";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path dataset;
  private final String runId;

  LakeCommit(Path dataset, String runId) {
    this.dataset = dataset;
    this.runId = runId;
  }

  Path staging() {
    return dataset.resolve(STAGING).resolve(runId);
  }

  /**
   * Brings the dataset to a clean state for this run id: returns the manifest if the run already
   * committed (finishing an interrupted commit), else deletes leftovers of a crashed attempt.
   */
  Optional<LakeManifest> recover() throws IOException {
    Path done = manifest();
    if (Files.exists(done)) {
      return Optional.of(JSON.readValue(done.toFile(), LakeManifest.class));
    }
    Path commit = staging().resolve(COMMIT);
    if (Files.exists(commit)) {
      LakeManifest m = JSON.readValue(commit.toFile(), LakeManifest.class);
      LOG.info("run {}: finishing the commit an earlier attempt started", runId);
      publish(m);
      return Optional.of(m);
    }
    if (Files.exists(staging())) {
      LOG.info("run {}: deleting uncommitted files of an earlier attempt", runId);
      deleteTree(staging());
    }
    Files.createDirectories(staging());
    return Optional.empty();
  }

  /** Commits the staged files listed in {@code manifest}. */
  void commit(LakeManifest manifest) throws IOException {
    writeAtomically(staging().resolve(COMMIT), manifest);
    publish(manifest);
  }

  private void publish(LakeManifest m) throws IOException {
    for (LakeManifest.FileEntry f : m.files()) {
      Path from = staging().resolve(f.path());
      Path to = dataset.resolve(f.path());
      Files.createDirectories(to.getParent());
      try {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
      } catch (NoSuchFileException e) {
        if (!Files.exists(to)) {
          throw new IOException(
              "run " + runId + ": staged file " + f.path() + " is gone and was never published", e);
        }
      } catch (FileAlreadyExistsException e) {
        Files.delete(from);
      }
    }
    writeAtomically(manifest(), m);
    writeAtomically(dataset.resolve(SUCCESS), m);
    deleteTree(staging());
  }

  /** The committed run's manifest, {@code _runs/<runId>.json}: its files and its summary. */
  Path manifest() {
    return dataset.resolve(RUNS).resolve(runId + ".json");
  }

  /** Deletes this attempt's staging directory; the dataset is untouched. */
  void abort() {
    try {
      if (Files.exists(staging()) && !Files.exists(staging().resolve(COMMIT))) {
        deleteTree(staging());
      }
    } catch (IOException e) {
      LOG.warn("run {}: cannot delete staging directory {}: {}", runId, staging(), e.toString());
    }
  }

  private static void writeAtomically(Path file, Object value) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    JSON.writeValue(tmp.toFile(), value);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

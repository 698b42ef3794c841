package io.tributary.runtime.batch.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake's commit protocol, the same on a directory and on an S3 prefix ({@link LakeStorage}). A
 * run writes its files under {@code <dataset>/_staging/<runId>/} (hidden from Hive-style readers by
 * the leading underscore; on S3 they are written locally and uploaded there at commit). To commit
 * it:
 *
 * <ol>
 *   <li>write {@code _staging/<runId>/_COMMIT}, the manifest, atomically: from here on the run is
 *       decided and only ever rolls forward;
 *   <li>publish each data file to its partition directory (an atomic rename, or on S3 a server-side
 *       copy, which makes the object appear whole; the file names carry the run id, so a publish
 *       repeated by a retry finds or rewrites its own file);
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

  static final String PARTS = "_parts";

  private final LakeStorage storage;
  private final String runId;

  /**
   * The part of a run split into parts this commit stages, as its attempt's directory and name
   * ({@code attempt-2/part-00001}), or null.
   */
  private final String part;

  LakeCommit(LakeStorage storage, String runId) {
    this(storage, runId, null);
  }

  /**
   * The commit of one part of a run split into parts: it stages its files under {@code
   * _staging/<runId>/<part>/} and its manifest as {@code _staging/<runId>/_parts/<part>.json}, and
   * publishes nothing; {@link #commitParts} publishes every part at once.
   *
   * @param part {@link #partName}
   */
  LakeCommit(LakeStorage storage, String runId, String part) {
    this.storage = storage;
    this.runId = runId;
    this.part = part;
  }

  /**
   * The name of part {@code index} (0-based) of attempt {@code attempt} of a run split into parts,
   * e.g. {@code attempt-2/part-00001}. A part retried by Kubernetes (the same attempt, the same
   * plan) finds what it staged before; a new attempt of the run (the operator's retry, whose plan
   * may split the rows otherwise after a spec change) stages all parts anew.
   */
  static String partName(int attempt, int index) {
    return String.format("attempt-%d/part-%05d", attempt, index);
  }

  /** Whether this commit stages one part of a run split into parts (and publishes nothing). */
  boolean stagesAPart() {
    return part != null;
  }

  /** What the data file names of this run (or part) start with after {@code part-}. */
  String fileStem() {
    return part == null ? runId : runId + "-" + part.substring(part.length() - 5);
  }

  /** The local directory the run writes its part files to. */
  Path staging() {
    return storage.localStaging(stagingId());
  }

  private String stagingId() {
    return part == null ? runId : runId + "/" + part;
  }

  private String stagingRel() {
    return STAGING + "/" + stagingId();
  }

  private String partManifestRel(String name) {
    return STAGING + "/" + runId + "/" + PARTS + "/" + name + ".json";
  }

  /**
   * Brings the dataset to a clean state for this run id: returns the manifest if the run already
   * committed (finishing an interrupted commit), else deletes leftovers of a crashed attempt.
   */
  Optional<LakeManifest> recover() throws IOException {
    if (storage.exists(manifestRel())) {
      return Optional.of(JSON.readValue(storage.read(manifestRel()), LakeManifest.class));
    }
    if (part != null && storage.exists(partManifestRel(part))) {
      LOG.info("run {}: {} was staged by an earlier attempt; reporting it", runId, part);
      return Optional.of(JSON.readValue(storage.read(partManifestRel(part)), LakeManifest.class));
    }
    String commit = stagingRel() + "/" + COMMIT;
    if (storage.exists(commit)) {
      LakeManifest m = JSON.readValue(storage.read(commit), LakeManifest.class);
      LOG.info("run {}: finishing the commit an earlier attempt started", runId);
      publish(m);
      return Optional.of(m);
    }
    LOG.debug("run {}: deleting uncommitted files of an earlier attempt, if any", runId);
    storage.deleteTree(stagingRel());
    LocalLakeStorage.deleteTree(staging());
    Files.createDirectories(staging());
    return Optional.empty();
  }

  /** Commits the staged files listed in {@code manifest}. */
  void commit(LakeManifest manifest) throws IOException {
    storage.stage(
        stagingId(), manifest.files().stream().map(LakeManifest.FileEntry::path).toList());
    if (part != null) {
      // The part's files are durable in staging; the manifest says the part is whole.
      storage.writeAtomically(partManifestRel(part), JSON.writeValueAsBytes(manifest));
      return;
    }
    storage.writeAtomically(stagingRel() + "/" + COMMIT, JSON.writeValueAsBytes(manifest));
    publish(manifest);
  }

  /**
   * Publishes the {@code parts} staged parts of this run as one commit, once all are staged: one
   * {@code _COMMIT} manifest listing every part's files, then the same publish as a one-pod run.
   * Returns the run's manifest once committed (now, or by an earlier attempt), or empty while some
   * part is not staged yet.
   *
   * @param combine builds the run's manifest from the parts' manifests, in part order
   */
  Optional<LakeManifest> commitParts(
      int attempt, int parts, java.util.function.Function<List<LakeManifest>, LakeManifest> combine)
      throws IOException {
    if (storage.exists(manifestRel())) {
      return Optional.of(JSON.readValue(storage.read(manifestRel()), LakeManifest.class));
    }
    String commit = stagingRel() + "/" + COMMIT;
    if (storage.exists(commit)) {
      LakeManifest m = JSON.readValue(storage.read(commit), LakeManifest.class);
      LOG.info("run {}: finishing the commit an earlier attempt started", runId);
      publish(m);
      return Optional.of(m);
    }
    List<LakeManifest> staged = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      String name = partName(attempt, i);
      if (!storage.exists(partManifestRel(name))) return Optional.empty();
      LakeManifest m = JSON.readValue(storage.read(partManifestRel(name)), LakeManifest.class);
      List<LakeManifest.FileEntry> files = new ArrayList<>();
      for (LakeManifest.FileEntry f : m.files()) files.add(f.inPart(name));
      staged.add(m.withFiles(files));
    }
    LakeManifest m = combine.apply(staged);
    storage.writeAtomically(commit, JSON.writeValueAsBytes(m));
    publish(m);
    return Optional.of(m);
  }

  /** The parts of a run split into {@code parts} not staged yet, by name. */
  List<String> missingParts(int attempt, int parts) throws IOException {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      String name = partName(attempt, i);
      if (!storage.exists(partManifestRel(name))) out.add(name);
    }
    return out;
  }

  private void publish(LakeManifest m) throws IOException {
    for (LakeManifest.FileEntry f : m.files()) {
      String staged = stagingRel() + "/" + (f.part() == null ? "" : f.part() + "/") + f.path();
      if (!storage.publish(staged, f.path()) && !storage.exists(f.path())) {
        throw new IOException(
            "run " + runId + ": staged file " + f.path() + " is gone and was never published");
      }
    }
    byte[] json = JSON.writeValueAsBytes(m);
    storage.writeAtomically(manifestRel(), json);
    storage.writeAtomically(SUCCESS, json);
    storage.deleteTree(stagingRel());
    LocalLakeStorage.deleteTree(staging());
  }

  private String manifestRel() {
    return RUNS + "/" + runId + ".json";
  }

  /** The committed run's manifest, {@code _runs/<runId>.json}: its files and its summary. */
  String manifest() {
    return storage.location(manifestRel());
  }

  /** Deletes this attempt's staging files; the dataset is untouched. */
  void abort() {
    try {
      boolean decided =
          part == null
              ? storage.exists(stagingRel() + "/" + COMMIT)
              : storage.exists(partManifestRel(part));
      if (!decided) {
        storage.deleteTree(stagingRel());
        LocalLakeStorage.deleteTree(staging());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("run {}: cannot delete staging files {}: {}", runId, staging(), e.toString());
    }
  }

  static void deleteTree(Path dir) throws IOException {
    LocalLakeStorage.deleteTree(dir);
  }
}

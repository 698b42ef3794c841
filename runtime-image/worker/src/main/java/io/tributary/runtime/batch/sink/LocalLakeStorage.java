package io.tributary.runtime.batch.sink;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A dataset in a directory (a mounted volume): staging is {@code <dataset>/_staging/<runId>/},
 * publishing a file is an atomic rename into its partition directory.
 */
final class LocalLakeStorage implements LakeStorage {
  private final Path dataset;

  LocalLakeStorage(Path dataset) {
    this.dataset = dataset;
  }

  @Override
  public Path localStaging(String runId) {
    return dataset.resolve(LakeCommit.STAGING).resolve(runId);
  }

  @Override
  public void stage(String runId, List<String> files) {
    // written in place: <dataset>/_staging/<runId>/ is already where the dataset lives
  }

  @Override
  public boolean exists(String rel) {
    return Files.exists(dataset.resolve(rel));
  }

  @Override
  public byte[] read(String rel) throws IOException {
    return Files.readAllBytes(dataset.resolve(rel));
  }

  @Override
  public void writeAtomically(String rel, byte[] bytes) throws IOException {
    Path file = dataset.resolve(rel);
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public boolean publish(String stagedRel, String rel) throws IOException {
    Path from = dataset.resolve(stagedRel);
    Path to = dataset.resolve(rel);
    Files.createDirectories(to.getParent());
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (FileAlreadyExistsException e) {
      // a retry's move of a file the crashed attempt moved: the same bytes, by its name
      Files.delete(from);
      return true;
    }
  }

  @Override
  public void deleteTree(String rel) throws IOException {
    deleteTree(dataset.resolve(rel));
  }

  @Override
  public String location(String rel) {
    return dataset.resolve(rel).toString();
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

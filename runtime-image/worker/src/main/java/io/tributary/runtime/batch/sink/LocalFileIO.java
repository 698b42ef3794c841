package io.tributary.runtime.batch.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;

/**
 * Iceberg's file access for a warehouse on a local or mounted directory, through java.nio: no
 * Hadoop FileSystem (Iceberg's default, HadoopFileIO, would need the whole of hadoop-common).
 * Locations are plain absolute paths, as the sink's {@code path} spells them, which every Iceberg
 * reader (PyIceberg, DuckDB, Spark with a local file system) reads as local files.
 */
public final class LocalFileIO implements FileIO {
  @Override
  public InputFile newInputFile(String location) {
    return org.apache.iceberg.Files.localInput(location);
  }

  @Override
  public OutputFile newOutputFile(String location) {
    return org.apache.iceberg.Files.localOutput(location);
  }

  @Override
  public void deleteFile(String location) {
    try {
      Files.deleteIfExists(
          Path.of(location.startsWith("file:") ? location.substring(5) : location));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + location, e);
    }
  }
}

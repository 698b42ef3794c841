package io.tributary.runtime.batch.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * A JSON Lines data file: one record per line, partition columns left out (they are in the path).
 */
final class JsonlPartFile implements PartFile {
  private static final ObjectWriter WRITER = new ObjectMapper().writer();
  private final BufferedWriter out;
  private final Collection<String> partitionColumns;
  private long records;

  JsonlPartFile(Path file, Collection<String> partitionColumns) throws IOException {
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    this.partitionColumns = partitionColumns;
  }

  @Override
  public void write(ObjectNode record) throws IOException {
    ObjectNode row = record;
    if (!partitionColumns.isEmpty()) {
      row = record.deepCopy();
      row.remove(partitionColumns);
    }
    out.write(WRITER.writeValueAsString(row));
    out.write('\n');
    records++;
  }

  @Override
  public long records() {
    return records;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}

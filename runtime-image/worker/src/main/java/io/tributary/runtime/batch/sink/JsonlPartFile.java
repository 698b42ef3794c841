package io.tributary.runtime.batch.sink;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.runtime.batch.BadRecordException;
import io.tributary.runtime.transform.RecordJson;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * A JSON Lines data file: one record per line, partition columns left out (they are in the path).
 */
final class JsonlPartFile implements PartFile {
  private final OutputStream out;
  private final Collection<String> partitionColumns;
  private long records;

  JsonlPartFile(Path file, Collection<String> partitionColumns) throws IOException {
    this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    this.partitionColumns = partitionColumns;
  }

  @Override
  public void write(ObjectNode record) throws IOException, BadRecordException {
    ObjectNode row = record;
    if (!partitionColumns.isEmpty()) {
      row = record.deepCopy();
      row.remove(partitionColumns);
    }
    byte[] json;
    try {
      // The shared writer: valid UTF-8 always (a lone surrogate is written as its \\u escape).
      json = RecordJson.write(row);
    } catch (RecordJson.Unwritable e) {
      throw new BadRecordException("sink", e.getMessage());
    }
    out.write(json);
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

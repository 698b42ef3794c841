package io.tributary.runtime.batch.sink;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.runtime.batch.BadRecordException;
import java.io.IOException;

/** One data file being written to the staging directory. */
interface PartFile extends AutoCloseable {
  void write(ObjectNode record) throws IOException, BadRecordException;

  long records();

  @Override
  void close() throws IOException;
}

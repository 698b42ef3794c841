package io.tributary.runtime.batch.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.plan.SinkSchema;
import io.tributary.runtime.batch.BadRecordException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records of spec.schema as Parquet data files of one Iceberg table, not yet committed: the part
 * the batch run ({@link IcebergWriter}) and the stream's lake sink share. The caller commits {@link
 * #finish()}'s files in an append of its own, or {@link #discard()}s them.
 *
 * <p>At most {@code maxOpenFiles} data files are open at once (each buffers a row group); a record
 * of one more partition closes the least recently written file, so a partition may get several
 * files.
 */
public final class IcebergDataFiles {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergDataFiles.class);

  private final Table view;
  private final Schema schema;
  private final PartitionSpec partitionSpec;
  private final PartitionKey key;
  private final InternalRecordWrapper wrapper;
  private final Map<String, String> writeProperties;
  private final int maxOpenFiles;
  private final String namePrefix;

  /** spec.schema's fields, each with its column's Iceberg type and whether it is required. */
  private final List<Target> columns = new ArrayList<>();

  private final LinkedHashMap<PartitionKey, DataWriter<Record>> open =
      new LinkedHashMap<>(16, 0.75f, true);
  private final List<DataFile> closed = new ArrayList<>();
  private final List<String> locations = new ArrayList<>();
  private int fileSeq;
  private long written;

  /** A spec.schema field and how its values are converted. */
  private record Target(Columns.Column column, Type type, boolean required) {}

  /**
   * @param view the table as the commit will see it (schema and partition spec already evolved)
   * @param namePrefix the start of every data file's name; unique to this writer, so no two writers
   *     (nor a writer and its restarted self) ever write the same file
   */
  public IcebergDataFiles(Table view, SinkSchema schemaSpec, int maxOpenFiles, String namePrefix) {
    this.view = view;
    this.schema = view.schema();
    this.partitionSpec = view.spec();
    this.key = new PartitionKey(partitionSpec, schema);
    this.wrapper = new InternalRecordWrapper(schema.asStruct());
    this.maxOpenFiles = maxOpenFiles;
    this.namePrefix = namePrefix;
    this.writeProperties = new HashMap<>(view.properties());
    writeProperties.put(
        TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES,
        Long.toString(LakeWriter.rowGroupBytes(maxOpenFiles)));
    for (Columns.Column c : Columns.fromSchema(schemaSpec, List.of())) {
      Types.NestedField f = schema.findField(c.name());
      columns.add(new Target(c, f.type(), f.isRequired()));
    }
  }

  /**
   * Converts a record to a row of the table; thread-safe (reads only what the constructor fixed).
   */
  public Record prepare(ObjectNode record) throws BadRecordException {
    GenericRecord row = GenericRecord.create(schema);
    for (Target t : columns) {
      JsonNode v = record.get(t.column().name());
      Object value = Columns.convert(t.column(), v);
      if (value == null) {
        if (t.required()) {
          throw new BadRecordException(
              "sink",
              "field "
                  + t.column().name()
                  + ": missing or null, and the Iceberg column is required");
        }
        continue;
      }
      row.setField(t.column().name(), icebergValue(t.type(), value));
    }
    return row;
  }

  /** The value Iceberg's generic writer takes for a value {@link Columns#convert} returned. */
  private static Object icebergValue(Type type, Object value) {
    if (type.typeId() == Type.TypeID.TIMESTAMP) {
      return DateTimeUtil.timestamptzFromMicros((Long) value);
    }
    return value;
  }

  /** Writes a row {@link #prepare} made into the file of its partition. */
  public void write(Record row) throws IOException {
    key.partition(wrapper.wrap(row));
    DataWriter<Record> file = open.get(key);
    if (file == null) {
      if (open.size() >= maxOpenFiles) {
        Iterator<Map.Entry<PartitionKey, DataWriter<Record>>> eldest = open.entrySet().iterator();
        DataWriter<Record> lru = eldest.next().getValue();
        eldest.remove();
        close(lru);
      }
      file = newFile(key.copy());
    }
    file.write(row);
    written++;
  }

  private DataWriter<Record> newFile(PartitionKey partition) throws IOException {
    String name = String.format("%s-%05d.parquet", namePrefix, fileSeq++);
    String location =
        partitionSpec.isUnpartitioned()
            ? view.locationProvider().newDataLocation(name)
            : view.locationProvider().newDataLocation(partitionSpec, partition, name);
    OutputFile out = view.io().newOutputFile(location);
    locations.add(location);
    DataWriter<Record> w =
        Parquet.writeData(out)
            .schema(schema)
            .withSpec(partitionSpec)
            .withPartition(partitionSpec.isUnpartitioned() ? null : partition)
            .setAll(writeProperties)
            .createWriterFunc(GenericParquetWriter::create)
            .overwrite()
            .build();
    open.put(partition, w);
    return w;
  }

  private void close(DataWriter<Record> w) throws IOException {
    w.close();
    closed.add(w.toDataFile());
  }

  /** Closes the open files; every file written, to add in one append. */
  public List<DataFile> finish() throws IOException {
    for (DataWriter<Record> w : open.values()) close(w);
    open.clear();
    return List.copyOf(closed);
  }

  /** Closes what is open and deletes every file written: no snapshot references them. */
  public void discard() {
    for (DataWriter<Record> w : open.values()) {
      try {
        w.close();
      } catch (IOException | RuntimeException e) {
        // deleted next; a half-closed file does not matter
      }
    }
    open.clear();
    for (String location : locations) {
      try {
        view.io().deleteFile(location);
      } catch (RuntimeException e) {
        LOG.warn("cannot delete uncommitted file {}: {}", location, e.toString());
      }
    }
  }

  /** Rows written so far. */
  public long written() {
    return written;
  }

  /** Data files written so far (closed or open). */
  public int files() {
    return locations.size();
  }
}

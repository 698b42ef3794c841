package io.tributary.runtime.batch.sink;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.runtime.batch.BadRecordException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * A Parquet data file written straight from JSON records through a small {@link WriteSupport}: no
 * Avro, no intermediate objects, no Hadoop FileSystem (a {@link LocalOutputFile}).
 */
final class ParquetPartFile implements PartFile {
  static final int DICTIONARY_PAGE_BYTES = 128 * 1024;
  private final ParquetWriter<Object[]> writer;
  private final List<Columns.Column> columns;
  private long records;

  /**
   * @param rowGroupBytes the row group a file buffers in memory before writing it out; smaller when
   *     many partition files are open at once
   */
  ParquetPartFile(Path file, List<Columns.Column> columns, long rowGroupBytes) throws IOException {
    this.columns = columns;
    this.writer =
        new Builder(new LocalOutputFile(file), columns)
            .withConf(new PlainParquetConfiguration())
            .withRowGroupSize(rowGroupBytes)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            // Small dictionaries: low-cardinality columns (country, status) stay dictionary
            // encoded, high-cardinality ones (ids, hashes) give up on it early and cheaply.
            .withDictionaryPageSize(DICTIONARY_PAGE_BYTES)
            .build();
  }

  /** The Parquet schema of the columns: every column optional (null when absent). */
  static MessageType schema(List<Columns.Column> columns) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (Columns.Column c : columns) {
      switch (c.type()) {
        case STRING ->
            b.optional(PrimitiveTypeName.BINARY)
                .as(LogicalTypeAnnotation.stringType())
                .named(c.name());
        case JSON ->
            b.optional(PrimitiveTypeName.BINARY)
                .as(LogicalTypeAnnotation.jsonType())
                .named(c.name());
        case LONG -> b.optional(PrimitiveTypeName.INT64).named(c.name());
        case DOUBLE -> b.optional(PrimitiveTypeName.DOUBLE).named(c.name());
        case BOOLEAN -> b.optional(PrimitiveTypeName.BOOLEAN).named(c.name());
        case TIMESTAMP ->
            b.optional(PrimitiveTypeName.INT64)
                .as(
                    LogicalTypeAnnotation.timestampType(
                        true, LogicalTypeAnnotation.TimeUnit.MICROS))
                .named(c.name());
      }
    }
    return b.named("record");
  }

  @Override
  public void write(ObjectNode record) throws IOException, BadRecordException {
    // Convert every field first, so a bad value rejects the record before anything is written.
    Object[] values = new Object[columns.size()];
    for (int i = 0; i < values.length; i++) {
      Columns.Column c = columns.get(i);
      values[i] = Columns.convert(c, record.get(c.name()));
    }
    writeValues(values);
  }

  /** Writes values already converted by {@link Columns#convert}, in column order. */
  void writeValues(Object[] values) throws IOException {
    writer.write(values);
    records++;
  }

  @Override
  public long records() {
    return records;
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }

  private static final class Builder extends ParquetWriter.Builder<Object[], Builder> {
    private final List<Columns.Column> columns;

    Builder(LocalOutputFile file, List<Columns.Column> columns) {
      super(file);
      this.columns = columns;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Object[]> getWriteSupport(Configuration conf) {
      return new ValuesWriteSupport(columns);
    }

    @Override
    protected WriteSupport<Object[]> getWriteSupport(ParquetConfiguration conf) {
      return new ValuesWriteSupport(columns);
    }
  }

  /** Writes one row of converted values (see {@link Columns#convert}). */
  private static final class ValuesWriteSupport extends WriteSupport<Object[]> {
    private final List<Columns.Column> columns;
    private final MessageType schema;
    private RecordConsumer consumer;

    ValuesWriteSupport(List<Columns.Column> columns) {
      this.columns = columns;
      this.schema = schema(columns);
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(schema, new HashMap<>());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(schema, new HashMap<>());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.consumer = recordConsumer;
    }

    @Override
    public void write(Object[] values) {
      consumer.startMessage();
      for (int i = 0; i < values.length; i++) {
        Object v = values[i];
        if (v == null) {
          continue;
        }
        Type field = schema.getType(i);
        consumer.startField(field.getName(), i);
        switch (columns.get(i).type()) {
          // a byte-array Binary: hashing and equality in the dictionary are much cheaper than
          // with the ByteBuffer-backed one Binary.fromString makes
          case STRING, JSON ->
              consumer.addBinary(
                  Binary.fromConstantByteArray(((String) v).getBytes(StandardCharsets.UTF_8)));
          case LONG, TIMESTAMP -> consumer.addLong((Long) v);
          case DOUBLE -> consumer.addDouble((Double) v);
          case BOOLEAN -> consumer.addBoolean((Boolean) v);
        }
        consumer.endField(field.getName(), i);
      }
      consumer.endMessage();
    }
  }
}

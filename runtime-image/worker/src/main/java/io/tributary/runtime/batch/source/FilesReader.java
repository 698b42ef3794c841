package io.tributary.runtime.batch.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.source.FilesSource;
import io.tributary.runtime.batch.RecordSource;
import io.tributary.runtime.batch.RunFailure;
import io.tributary.runtime.batch.SecretFiles;
import io.tributary.runtime.storage.ObjectStores;
import io.tributary.runtime.storage.S3Location;
import io.tributary.runtime.storage.S3Objects;
import io.tributary.runtime.transform.RecordJson;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads CSV, JSON Lines or Parquet files from a path or glob, in sorted path order.
 *
 * <p>Hive-style partition directories between the path's fixed part and a file ({@code
 * country=AE/day=2026-11-20/part.parquet}, as the lake sink writes them) are read back as fields of
 * each record of the file: typed per spec.schema where it names the field (integer, number,
 * boolean; other types and undeclared fields stay text), {@code __HIVE_DEFAULT_PARTITION__} as
 * null, {@code %XX} escapes decoded. A field the record itself has wins over its directory.
 */
public final class FilesReader implements RecordSource {
  private static final Logger LOG = LoggerFactory.getLogger(FilesReader.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A JSON line longer than this is dead-lettered without being held in memory. */
  static final int MAX_LINE_BYTES = 16 << 20;

  private final FilesSource spec;
  private final Map<String, SchemaSpec.Type> types = new HashMap<>();

  /** The object store client of an s3:// path; null for local files. */
  private final S3Objects s3;

  /** A reader of local files (a mounted volume). */
  public FilesReader(FilesSource spec, SchemaSpec schema) {
    this(spec, schema, null);
  }

  /** A reader of {@code spec.path()}: local files, or objects of spec.s3's store. */
  public static FilesReader open(FilesSource spec, SchemaSpec schema, SecretFiles secrets) {
    return new FilesReader(
        spec,
        schema,
        S3Location.isS3(spec.path())
            ? ObjectStores.objects(spec.s3(), secrets, "source.files.s3")
            : null);
  }

  private FilesReader(FilesSource spec, SchemaSpec schema, S3Objects s3) {
    this.spec = spec;
    this.s3 = s3;
    if (schema != null && schema.fields() != null) {
      schema.fields().forEach(f -> types.put(f.name(), f.type()));
    }
  }

  @Override
  public void read(Handler out) throws Exception {
    if (s3 != null) {
      readObjects(out);
      return;
    }
    List<Path> files = matching(spec.path());
    if (files.isEmpty()) {
      LOG.warn("source.files.path {} matches no file; the run reads nothing", spec.path());
    }
    Path base = base(spec.path());
    for (Path f : files) {
      LOG.info("reading {}", f);
      Path dir = f.getParent();
      readFile(
          f,
          withPartitions(out, dir != null && dir.startsWith(base) ? base.relativize(dir) : null));
    }
  }

  /**
   * Reads the matching objects in key order, each downloaded to the worker's temp directory first
   * (Parquet needs random access; one object at a time is on disk) and read as a local file would
   * be, its key in the path that dead letters and errors name.
   */
  private void readObjects(Handler out) throws Exception {
    List<S3Location> objects = matchingObjects(s3, spec.path());
    String base = baseKey(S3Location.parse(spec.path()).key());
    if (objects.isEmpty()) {
      LOG.warn("source.files.path {} matches no object; the run reads nothing", spec.path());
    }
    Path root =
        Files.createTempDirectory(
            Path.of(System.getProperty("java.io.tmpdir")), "tributary-files-");
    try {
      for (S3Location o : objects) {
        LOG.info("reading {}", o);
        Path local = root.resolve(o.bucket()).resolve(o.key());
        Files.createDirectories(local.getParent());
        s3.download(o, local);
        int slash = o.key().lastIndexOf('/');
        String dir = slash < 0 ? "" : o.key().substring(0, slash);
        Path rel =
            dir.startsWith(base) && dir.length() > base.length()
                ? Path.of(dir.substring(base.isEmpty() ? 0 : base.length() + 1))
                : null;
        try {
          readFile(local, withPartitions(out, rel));
        } finally {
          Files.deleteIfExists(local);
        }
      }
    } finally {
      try (Stream<Path> left = Files.walk(root)) {
        for (Path p : left.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /**
   * The objects an s3:// path or glob names, sorted by key; a prefix without a glob means the
   * objects directly below it (as a directory), else the object itself.
   */
  static List<S3Location> matchingObjects(S3Objects s3, String pattern) throws IOException {
    S3Location at = S3Location.parse(pattern);
    int glob = indexOfGlob(at.key());
    if (glob < 0) {
      List<S3Location> below =
          s3.list(at).stream()
              .filter(o -> o.key().indexOf('/', at.prefix().length()) < 0)
              .filter(o -> visible(Path.of(o.key())))
              .toList();
      if (!below.isEmpty()) return below;
      if (!at.key().isEmpty() && s3.exists(at)) return List.of(at);
      throw RunFailure.permanent("source.files.path " + pattern + ": no such object", null);
    }
    int slash = at.key().lastIndexOf('/', glob);
    S3Location base = new S3Location(at.bucket(), slash < 0 ? "" : at.key().substring(0, slash));
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + at.key());
    return s3.list(base).stream().filter(o -> m.matches(Path.of(o.key()))).toList();
  }

  /**
   * The fixed directory of a local path or glob: what partition directories are relative to (a
   * file's own directory when the path names one file).
   */
  static Path base(String pattern) {
    int glob = indexOfGlob(pattern);
    if (glob < 0) {
      Path p = Path.of(pattern);
      return Files.isDirectory(p) ? p : (p.getParent() == null ? Path.of(".") : p.getParent());
    }
    int slash = pattern.lastIndexOf('/', glob);
    return Path.of(slash <= 0 ? (slash == 0 ? "/" : ".") : pattern.substring(0, slash));
  }

  /** The fixed key prefix (no trailing slash) of an s3:// key or key glob. */
  static String baseKey(String key) {
    int glob = indexOfGlob(key);
    String fixed = glob < 0 ? key : key.substring(0, glob);
    if (fixed.endsWith("/")) return fixed.substring(0, fixed.length() - 1);
    int slash = fixed.lastIndexOf('/');
    // Without a glob the key is a prefix (a directory) or one object: its directory then.
    return glob < 0 ? fixed : (slash < 0 ? "" : fixed.substring(0, slash));
  }

  /**
   * {@code out}, adding to each record the fields of the Hive partition directories in {@code dir}
   * (a path relative to the base), or {@code out} itself when there are none.
   */
  Handler withPartitions(Handler out, Path dir) {
    if (dir == null) return out;
    LinkedHashMap<String, String> parts = new LinkedHashMap<>();
    for (Path segment : dir) {
      String s = segment.toString();
      int eq = s.indexOf('=');
      if (eq <= 0) continue;
      String name = s.substring(0, eq);
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) continue;
      String raw = s.substring(eq + 1);
      parts.put(name, raw.equals(HIVE_NULL) ? null : unescape(raw));
    }
    if (parts.isEmpty()) return out;
    return new Handler() {
      @Override
      public void accept(ObjectNode record) throws Exception {
        for (Map.Entry<String, String> p : parts.entrySet()) {
          if (record.hasNonNull(p.getKey())) continue;
          if (p.getValue() == null) {
            record.putNull(p.getKey());
            continue;
          }
          String refused = putTyped(record, p.getKey(), p.getValue());
          if (refused != null) {
            out.reject("partition directory " + p.getKey() + "=: " + refused, record.toString());
            return;
          }
        }
        out.accept(record);
      }

      @Override
      public void reject(String reason, String raw) throws Exception {
        out.reject(reason, raw);
      }
    };
  }

  /** Hive's name for the partition of null and empty values (the lake sink writes it so). */
  static final String HIVE_NULL = "__HIVE_DEFAULT_PARTITION__";

  /** Decodes Hive's %XX path escapes (UTF-8 bytes); anything else is kept as it is. */
  static String unescape(String s) {
    if (s.indexOf('%') < 0) return s;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int i = 0;
    while (i < s.length()) {
      int hex = s.charAt(i) == '%' ? hex(s, i + 1) : -1;
      if (hex >= 0) {
        bytes.write(hex);
        i += 3;
      } else {
        int cp = s.codePointAt(i);
        byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
        i += Character.charCount(cp);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static int hex(String s, int at) {
    if (at + 2 > s.length()) return -1;
    int hi = Character.digit(s.charAt(at), 16);
    int lo = Character.digit(s.charAt(at + 1), 16);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
  }

  private void readFile(Path f, Handler out) throws Exception {
    switch (spec.format()) {
      case CSV -> readCsv(f, out);
      case JSONL -> readJsonl(f, out);
      case PARQUET -> readParquet(f, out);
      // The plan check refuses it first; an Iceberg table is read through its catalog.
      case ICEBERG ->
          throw RunFailure.invalidPlan(
              "source.files.format: iceberg is a lake sink format only; use csv, jsonl or"
                  + " parquet");
    }
  }

  @Override
  public void close() {
    if (s3 != null) s3.close();
  }

  /** The files a path or glob names, sorted; a directory means the files directly in it. */
  static List<Path> matching(String pattern) throws IOException {
    int glob = indexOfGlob(pattern);
    if (glob < 0) {
      Path p = Path.of(pattern);
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          return s.filter(Files::isRegularFile).filter(FilesReader::visible).sorted().toList();
        }
      }
      if (!Files.isRegularFile(p)) {
        throw RunFailure.permanent("source.files.path " + pattern + ": no such file", null);
      }
      return List.of(p);
    }
    int slash = pattern.lastIndexOf('/', glob);
    Path base = Path.of(slash <= 0 ? (slash == 0 ? "/" : ".") : pattern.substring(0, slash));
    if (!Files.isDirectory(base)) {
      return List.of();
    }
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    try (Stream<Path> s = Files.walk(base)) {
      return s.filter(Files::isRegularFile).filter(m::matches).sorted().toList();
    }
  }

  private static boolean visible(Path p) {
    String n = p.getFileName().toString();
    return !n.startsWith(".") && !n.startsWith("_");
  }

  private static int indexOfGlob(String s) {
    for (int i = 0; i < s.length(); i++) {
      if ("*?[{".indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Reads JSON Lines as bytes, one record per line, with the strict record reader: a line that is
   * not a record (not JSON, invalid UTF-8, a number beyond a double, a field twice, longer than
   * {@value #MAX_LINE_BYTES} bytes) is dead-lettered with its file and line, and reading resumes at
   * the next line.
   */
  private void readJsonl(Path f, Handler out) throws Exception {
    String name = f.getFileName().toString();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 1 << 16)) {
      LineReader lines = new LineReader(in, MAX_LINE_BYTES);
      long n = 0;
      byte[] line;
      while ((line = lines.next()) != null) {
        n++;
        if (lines.overlong()) {
          out.reject(
              name + " line " + n + ": longer than " + MAX_LINE_BYTES + " bytes",
              new String(line, 0, Math.min(line.length, 1024), StandardCharsets.UTF_8));
          continue;
        }
        if (blank(line)) {
          continue;
        }
        ObjectNode record;
        try {
          record = RecordJson.parse(line);
        } catch (RecordJson.NotARecord e) {
          out.reject(name + " line " + n + ": " + e.getMessage(), rawText(line));
          continue;
        }
        out.accept(record);
      }
    }
  }

  private static boolean blank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t' && b != '\r') return false;
    }
    return true;
  }

  /** The line for the dead letter: invalid bytes become U+FFFD. */
  private static String rawText(byte[] line) {
    return new String(line, StandardCharsets.UTF_8);
  }

  private void readCsv(Path f, Handler out) throws Exception {
    FilesSource.Csv csv = spec.csv();
    boolean header = csv.header();
    char delimiter = csv.delimiter().charAt(0);
    char quote = csv.quote().charAt(0);
    CSVFormat.Builder format = CSVFormat.RFC4180.builder().setDelimiter(delimiter).setQuote(quote);
    if (header) {
      format.setHeader().setSkipHeaderRecord(true);
    }
    try (Reader r = new StrictUtf8Reader(Files.newInputStream(f));
        CSVParser parser = parse(f, r, format.get())) {
      List<String> names = header ? parser.getHeaderNames() : null;
      for (CSVRecord row : rows(f, parser)) {
        if (header && row.size() != names.size()) {
          out.reject(
              f.getFileName()
                  + " line "
                  + row.getRecordNumber()
                  + ": "
                  + row.size()
                  + " fields, the header has "
                  + names.size(),
              String.join(String.valueOf(delimiter), row.toList()));
          continue;
        }
        ObjectNode o = JSON.createObjectNode();
        String refused = null;
        for (int i = 0; i < row.size() && refused == null; i++) {
          String name = header ? names.get(i) : "c" + (i + 1);
          refused = putTyped(o, name, row.get(i));
        }
        if (refused != null) {
          out.reject(
              f.getFileName() + " line " + row.getRecordNumber() + ": " + refused,
              String.join(String.valueOf(delimiter), row.toList()));
          continue;
        }
        out.accept(o);
      }
    }
  }

  /**
   * A CSV file's records. Bad bytes and broken quoting fail the run permanently, naming the file
   * and line: a quoted field may span lines, so after a broken quote there is no line to resume at,
   * and retrying reads the same bytes.
   */
  private static CSVParser parse(Path f, Reader r, CSVFormat format) {
    try {
      return CSVParser.builder().setReader(r).setFormat(format).get();
    } catch (IOException | UncheckedIOException e) {
      throw malformed(f, 1, e);
    }
  }

  private static Iterable<CSVRecord> rows(Path f, CSVParser parser) {
    Iterator<CSVRecord> it = parser.iterator();
    return () ->
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            try {
              return it.hasNext();
            } catch (UncheckedIOException e) {
              throw malformed(f, Math.max(1, parser.getCurrentLineNumber()), e);
            }
          }

          @Override
          public CSVRecord next() {
            try {
              return it.next();
            } catch (UncheckedIOException e) {
              throw malformed(f, Math.max(1, parser.getCurrentLineNumber()), e);
            }
          }
        };
  }

  private static RuntimeException malformed(Path f, long parserLine, Exception e) {
    Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
    if (cause instanceof StrictUtf8Reader.InvalidUtf8 bad) {
      return RunFailure.permanent(
          "source.files: " + f + " line " + bad.line() + ": not valid UTF-8", null);
    }
    if (cause instanceof CSVException) {
      return RunFailure.permanent(
          "source.files: " + f + " line " + parserLine + ": malformed CSV: " + cause.getMessage(),
          null);
    }
    // A read error of the file system: possibly transient, keep the exception's own class.
    return e instanceof UncheckedIOException u ? u : new UncheckedIOException((IOException) e);
  }

  /**
   * CSV values are text; where spec.schema gives a field a type, parse it (else keep the text, for
   * validate to report with the field name). Returns why the row cannot be a record (a number
   * beyond a double, which would become Infinity; JSON the strict reader refuses), else null.
   */
  private String putTyped(ObjectNode o, String name, String text) {
    SchemaSpec.Type t = types.get(name);
    if (t == null || t == SchemaSpec.Type.STRING || t == SchemaSpec.Type.TIMESTAMP) {
      o.put(name, text);
      return null;
    }
    if (text.isEmpty()) {
      o.putNull(name);
      return null;
    }
    try {
      switch (t) {
        case INTEGER -> o.put(name, Long.parseLong(text.trim()));
        case NUMBER -> {
          double d = Double.parseDouble(text.trim());
          if (!Double.isFinite(d)) {
            return "field " + name + ": not a finite number (beyond a double, or NaN)";
          }
          o.put(name, d);
        }
        case BOOLEAN -> {
          String b = text.trim().toLowerCase();
          if (b.equals("true") || b.equals("false")) {
            o.put(name, Boolean.parseBoolean(b));
          } else {
            o.put(name, text);
          }
        }
        case OBJECT, ARRAY -> {
          JSON.readTree(text); // not JSON at all: kept as text below, for validate to report
          try {
            o.set(name, RecordJson.parseAny(text.getBytes(StandardCharsets.UTF_8)));
          } catch (RecordJson.NotARecord e) {
            return "field " + name + ": " + e.getMessage();
          }
        }
        default -> o.put(name, text);
      }
    } catch (NumberFormatException | JsonProcessingException e) {
      o.put(name, text); // validate reports it with the field name
    }
    return null;
  }

  /**
   * A Parquet file that cannot be decoded (truncated, not Parquet, a broken page) fails the run
   * permanently naming the file: the same bytes fail the same way on a retry. A row holding NaN or
   * Infinity is dead-lettered naming the file, row and field. What the rest of the run throws while
   * handling a row passes through unchanged.
   */
  private void readParquet(Path f, Handler out) throws Exception {
    String name = f.getFileName().toString();
    try {
      ParquetRecords.read(
          f,
          new ParquetRecords.Rows() {
            @Override
            public void accept(ObjectNode row) throws Downstream {
              try {
                out.accept(row);
              } catch (Exception e) {
                throw new Downstream(e);
              }
            }

            @Override
            public void reject(String reason, String raw) throws Downstream {
              try {
                out.reject(name + " " + reason, raw);
              } catch (Exception e) {
                throw new Downstream(e);
              }
            }
          });
    } catch (Downstream d) {
      throw (Exception) d.getCause();
    } catch (EOFException | RuntimeException e) {
      throw RunFailure.permanent(
          "source.files: " + f + " is not a readable Parquet file: " + e.getMessage(), e);
    }
  }

  /** An exception of the run's own handling of a row, not of decoding the file. */
  private static final class Downstream extends Exception {
    Downstream(Exception cause) {
      super(cause);
    }
  }
}

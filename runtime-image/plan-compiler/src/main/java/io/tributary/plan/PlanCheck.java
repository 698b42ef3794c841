package io.tributary.plan;

import io.tributary.pipeline.Durations;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.VolumeClaim;
import io.tributary.pipeline.plan.SinkSchema;
import io.tributary.pipeline.sink.FeatureStoreSink;
import io.tributary.pipeline.sink.IcebergTable;
import io.tributary.pipeline.sink.JdbcSink;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.pipeline.source.MqttSource;
import io.tributary.pipeline.transform.AggregateTransform;
import io.tributary.pipeline.transform.ConsentTransform;
import io.tributary.pipeline.transform.DedupeTransform;
import io.tributary.pipeline.transform.DeriveTransform;
import io.tributary.pipeline.transform.InferTransform;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.pipeline.transform.NormalizeTransform;
import io.tributary.pipeline.transform.ValidateTransform;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything about a pipeline that can be checked without I/O: each step has exactly one kind and
 * the settings it needs, CEL expressions compile against the fields they see ({@link
 * CelEnvironment}, {@link FieldFlow}), durations parse, the JSON Schema loads, the source and sink
 * each set one kind, and no classified field reaches the sink unmasked unless the sink allows it
 * ({@link ClassifiedFields}). The operator runs it to refuse a spec (reporting {@code spec.<path>:
 * <message>}), the worker runs it at start-up (exiting 78 with {@code plan <file>: <path>:
 * <message>}), so both refuse the same things with the same words. What needs I/O (secret files,
 * brokers, tables) stays with the worker.
 *
 * <p>Paths are those of the spec, which the worker plan shares: {@code
 * transforms[1].filter.expression}, {@code transforms[0].mask.fields[2].keep}, {@code
 * schema.jsonSchema}.
 */
public final class PlanCheck {
  private static final Pattern FIELD_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
  private static final Pattern MQTT_SERVER = Pattern.compile("^(tcp|ssl)://[^\\s/:]+:[0-9]+$");
  private static final Pattern MQTT_SHARE_GROUP = Pattern.compile("^[^/+#\\s]+$");
  private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");

  /** s3://bucket/key of an infer step's model, as the CRD's pattern. */
  private static final Pattern S3_OBJECT =
      Pattern.compile("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.*[^/]$");

  /** s3://bucket[/prefix], as the CRD's rule. */
  private static final Pattern S3_PATH =
      Pattern.compile("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$");

  /** namespace.table, the namespace possibly nested (a.b.table); as the CRD's pattern. */
  private static final Pattern ICEBERG_TABLE =
      Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+$");

  private static final String KINDS =
      "validate, filter, map, derive, normalize, dedupe, mask, consent, aggregate or infer";

  private final List<PlanProblem> problems = new ArrayList<>();

  private PlanCheck() {}

  /**
   * Checks source, transforms, sink and schema; a null part is not checked.
   *
   * @return the problems in spec order; empty when the plan can run as far as can be told
   */
  public static List<PlanProblem> check(
      SourceSpec source, List<TransformSpec> transforms, SinkSpec sink, SchemaSpec schema) {
    PlanCheck c = new PlanCheck();
    c.source(source, transforms);
    c.schema(schema);
    c.chain(schema, transforms, source);
    c.sink(sink, SinkSchemas.of(schema, transforms == null ? List.of() : transforms, sink));
    // Last: the other problems say why the field flow itself may be wrong.
    c.problems.addAll(ClassifiedFields.problems(schema, transforms, sink));
    return List.copyOf(c.problems);
  }

  /**
   * Checks the schema and the transform chain only (what compiling the chain needs).
   *
   * @param source where records come from: a consent step defaults to the source's Kafka cluster
   */
  public static List<PlanProblem> transforms(
      SchemaSpec schema, List<TransformSpec> transforms, SourceSpec source) {
    PlanCheck c = new PlanCheck();
    c.schema(schema);
    c.chain(schema, transforms, source);
    return List.copyOf(c.problems);
  }

  private void source(SourceSpec source, List<TransformSpec> transforms) {
    if (source == null) return;
    int kinds =
        count(
            source.jdbc() != null,
            source.files() != null,
            source.http() != null,
            source.kafka() != null);
    if (kinds != 1) spec("source", "set exactly one of jdbc, files, http or kafka");
    if (source.kafka() != null) {
      problems.addAll(
          KafkaSecurityCheck.problems(
              "source.kafka", source.kafka().saslJaasSecretRef(), source.kafka().security()));
    }
    if (source.mqtt() != null) mqtt(source, transforms);
    if (source.files() != null && source.files().format() == FileFormat.ICEBERG) {
      spec("source.files.format", "use csv, jsonl or parquet (iceberg is a lake sink format only)");
    }
    if (source.files() != null) {
      storage("source.files", source.files().path(), source.files().s3() != null);
      volume("source.files", source.files().path(), source.files().volume(), "/lake/raw/*.jsonl");
    }
  }

  /**
   * An MQTT source: a broker address the client takes, topic filters it can subscribe to shared,
   * one ingest topic, and a first step that removes the repeats QoS 1 may deliver.
   */
  private void mqtt(SourceSpec source, List<TransformSpec> transforms) {
    MqttSource m = source.mqtt();
    if (source.kafka() == null
        || source.kafka().topics() == null
        || source.kafka().topics().size() != 1) {
      spec("source.mqtt", SourceSpec.MQTT_NEEDS_INGEST_TOPIC);
    }
    if (m.serverUri() == null || !MQTT_SERVER.matcher(m.serverUri()).matches()) {
      spec(
          "source.mqtt.serverUri",
          "'"
              + m.serverUri()
              + "' is not tcp://host:port or ssl://host:port; write the broker's address in one"
              + " of these forms (ssl:// for TLS)");
    }
    if (m.topics() == null || m.topics().isEmpty()) {
      spec("source.mqtt.topics", "name at least one topic filter, e.g. sensors/+/temperature");
    } else {
      for (int i = 0; i < m.topics().size(); i++) {
        mqttTopicFilter("source.mqtt.topics[" + i + "]", m.topics().get(i));
      }
    }
    if (m.keyField() == null || !FIELD_NAME.matcher(m.keyField()).matches()) {
      spec(
          "source.mqtt.keyField",
          m.keyField() == null
              ? "missing: name the payload field that identifies a message (e.g. msg_id), by"
                  + " which repeats are removed"
              : "'" + m.keyField() + "' is not a field name (letters, digits, _)");
    }
    if (m.shareGroup() != null && !MQTT_SHARE_GROUP.matcher(m.shareGroup()).matches()) {
      spec(
          "source.mqtt.shareGroup",
          "'"
              + m.shareGroup()
              + "' cannot name a shared subscription: leave out /, +, # and spaces");
    }
    if (m.protocolVersion() != null && !m.protocolVersion().equals(MqttSource.PROTOCOL_3_1_1)) {
      spec("source.mqtt.protocolVersion", MqttSource.PROTOCOL_MESSAGE);
    }
    if (m.tls() != null && !m.usesTls()) {
      spec(
          "source.mqtt.tls",
          "needs a TLS connection: write serverUri as ssl://host:port, or remove source.mqtt.tls");
    }
    if (m.tls() != null
        && (m.tls().certificateSecretRef() == null) != (m.tls().keySecretRef() == null)) {
      spec(
          "source.mqtt.tls",
          "certificateSecretRef and keySecretRef go together: mutual TLS needs the client"
              + " certificate chain and its private key; set both, or neither");
    }
    if (m.passwordSecretRef() != null && m.usernameSecretRef() == null) {
      spec(
          "source.mqtt.passwordSecretRef",
          "needs source.mqtt.usernameSecretRef: MQTT sends a password only with a user name;"
              + " set usernameSecretRef too");
    }
    if (m.keyField() != null) mqttDedupe(m.keyField(), transforms);
  }

  /**
   * QoS 1 delivers at least once: the first step must drop the repeats, keyed exactly as the ingest
   * topic is, so every copy of a message meets the same dedupe state.
   */
  private void mqttDedupe(String keyField, List<TransformSpec> transforms) {
    TransformSpec first = transforms == null || transforms.isEmpty() ? null : transforms.get(0);
    DedupeTransform dedupe = first == null ? null : first.dedupe();
    if (dedupe != null && List.of(keyField).equals(dedupe.keyFields())) return;
    spec(
        first == null ? "transforms" : "transforms[0]",
        "an MQTT source delivers at least once (QoS 1), so the first step must remove the"
            + " repeats by source.mqtt.keyField: make transforms[0] {dedupe: {keyFields: ["
            + keyField
            + "], window: 10m}} (choose the window: a repeat later than it passes)");
  }

  /** A filter a client may subscribe to, and not already shared (the worker adds $share). */
  private void mqttTopicFilter(String path, String filter) {
    if (filter == null || filter.isEmpty()) {
      spec(path, "empty: name a topic filter, e.g. sensors/+/temperature");
      return;
    }
    if (filter.startsWith("$share/")) {
      spec(
          path,
          "'"
              + filter
              + "': leave out $share/<group>/; every filter is subscribed as"
              + " $share/<shareGroup>/<filter> (set source.mqtt.shareGroup to choose the group)");
      return;
    }
    String[] levels = filter.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      String level = levels[i];
      boolean wildcardMisused =
          (level.contains("#") && (!level.equals("#") || i != levels.length - 1))
              || (level.contains("+") && !level.equals("+"));
      if (wildcardMisused || level.indexOf(0) >= 0) {
        spec(
            path,
            "'"
                + filter
                + "' is not an MQTT topic filter: + stands alone in a level, # alone in the last"
                + " level (e.g. sensors/+/temperature, sensors/#)");
        return;
      }
    }
  }

  private void sink(SinkSpec sink, SinkSchema atSink) {
    if (sink == null) return;
    int kinds =
        count(
            sink.lake() != null,
            sink.jdbc() != null,
            sink.kafka() != null,
            sink.featureStore() != null);
    if (kinds != 1) spec("sink", "set exactly one of lake, jdbc, kafka or featureStore");
    if (sink.kafka() != null) {
      problems.addAll(
          KafkaSecurityCheck.problems(
              "sink.kafka", sink.kafka().saslJaasSecretRef(), sink.kafka().security()));
    }
    JdbcSink jdbc = sink.jdbc();
    if (jdbc != null && jdbc.mode() == JdbcSink.Mode.UPSERT) {
      if (jdbc.url() != null && !jdbc.url().startsWith("jdbc:postgresql:")) {
        spec(
            "sink.jdbc.mode",
            "upsert is supported on PostgreSQL (jdbc:postgresql:...); use append");
      }
      if (jdbc.keyColumns() == null || jdbc.keyColumns().isEmpty()) {
        spec("sink.jdbc.keyColumns", "mode upsert needs keyColumns (the conflict key)");
      }
    }
    if (sink.lake() != null) lake(sink.lake(), atSink);
    if (sink.featureStore() != null) featureStore(sink.featureStore(), atSink);
  }

  /**
   * Entity keys and features are fields the records still have at the sink (when the fields are
   * known): one removed by a step would be missing from every entity.
   */
  private void featureStore(FeatureStoreSink store, SinkSchema atSink) {
    if (atSink == null) return;
    List<String> names = atSink.names();
    String known = " (the fields at the sink: " + String.join(", ", names) + ")";
    List<String> keys = store.entityKeys() == null ? List.of() : store.entityKeys();
    for (int i = 0; i < keys.size(); i++) {
      if (!names.contains(keys.get(i))) {
        spec(
            "sink.featureStore.entityKeys[" + i + "]",
            "'"
                + keys.get(i)
                + "' does not reach the sink: a step drops it or it is not a field"
                + known);
      }
    }
    List<String> features = store.features() == null ? List.of() : store.features();
    for (int i = 0; i < features.size(); i++) {
      if (!names.contains(features.get(i))) {
        spec(
            "sink.featureStore.features[" + i + "]",
            "'"
                + features.get(i)
                + "' does not reach the sink: a step drops it or it is not a field"
                + known
                + "; derive it, or remove it from features");
      }
    }
  }

  private void lake(LakeSink lake, SinkSchema atSink) {
    storage("sink.lake", lake.path(), lake.s3() != null);
    volume("sink.lake", lake.path(), lake.volume(), "/lake/curated/orders");
    if (lake.format() == FileFormat.CSV) {
      spec("sink.lake.format", "use parquet, jsonl or iceberg (csv is a source format only)");
    }
    if (lake.format() != FileFormat.ICEBERG) {
      if (lake.iceberg() != null) {
        spec("sink.lake.iceberg", "only for format iceberg; remove it or set format: iceberg");
      }
      if (atSink != null) {
        partitionColumns(lake, atSink.names(), "the lake partitions by the records' fields");
      }
      return;
    }
    IcebergTable iceberg = lake.iceberg();
    if (iceberg == null) {
      spec(
          "sink.lake.iceberg",
          "format iceberg needs iceberg: the table (namespace.table) and its catalog (url)");
    } else {
      if (iceberg.table() == null || !ICEBERG_TABLE.matcher(iceberg.table()).matches()) {
        spec(
            "sink.lake.iceberg.table",
            "'"
                + iceberg.table()
                + "' is not namespace.table, e.g. analytics.customer_features (letters, digits, _)");
      }
      if (iceberg.catalog() == null
          || iceberg.catalog().url() == null
          || !iceberg.catalog().url().startsWith("jdbc:postgresql:")) {
        spec(
            "sink.lake.iceberg.catalog.url",
            "the Iceberg catalog is a PostgreSQL database: jdbc:postgresql://host:5432/db");
      }
    }
    if (atSink == null) {
      spec(
          "schema.fields",
          "sink.lake format iceberg takes the table's columns from the fields reaching the sink:"
              + " list spec.schema.fields");
      return;
    }
    partitionColumns(lake, atSink.names(), "an Iceberg table partitions by its own columns");
  }

  /**
   * Each partitionBy column is a field at the sink, once. For Parquet and JSON Lines it is checked
   * when the fields at the sink are known: a missing one would put every record under
   * __HIVE_DEFAULT_PARTITION__.
   */
  private void partitionColumns(LakeSink lake, List<String> fields, String why) {
    List<String> partitionBy = lake.partitionBy() == null ? List.of() : lake.partitionBy();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < partitionBy.size(); i++) {
      String column = partitionBy.get(i);
      if (!fields.contains(column)) {
        spec(
            "sink.lake.partitionBy[" + i + "]",
            "'"
                + column
                + "' is not a field at the sink (a step drops it, or it is not in spec.schema); "
                + why
                + " ("
                + String.join(", ", fields)
                + ")");
      } else if (!seen.add(column)) {
        spec("sink.lake.partitionBy[" + i + "]", "'" + column + "' is listed twice");
      }
    }
  }

  private void schema(SchemaSpec schema) {
    if (schema == null) return;
    classifications(schema);
    if (schema.jsonSchema() == null) return;
    try {
      RecordSchemas.compile(schema);
    } catch (IllegalArgumentException e) {
      spec("schema.jsonSchema", e.getMessage());
    }
  }

  /** pii is the old spelling of classification: personal; both set must agree. */
  private void classifications(SchemaSpec schema) {
    if (schema.fields() == null) return;
    for (int i = 0; i < schema.fields().size(); i++) {
      SchemaSpec.Field f = schema.fields().get(i);
      if (f == null || !f.classificationConflicts()) continue;
      spec(
          "schema.fields[" + i + "].classification",
          "field "
              + f.name()
              + " has pii: "
              + f.pii()
              + " and classification: "
              + f.classification()
              + ", which disagree (pii: true means classification: personal); keep only"
              + " classification");
    }
  }

  private void chain(SchemaSpec schema, List<TransformSpec> transforms, SourceSpec source) {
    if (transforms == null) return;
    FieldFlow flow = FieldFlow.of(schema, transforms);
    Set<String> names = new HashSet<>();
    int firstInfer = -1;
    for (int i = 0; i < transforms.size(); i++) {
      String at = "transforms[" + i + "]";
      TransformSpec t = transforms.get(i);
      if (t == null) {
        spec(at, "the step is empty: set exactly one of " + KINDS);
        continue;
      }
      if (t.transformSet() != null) {
        // The operator inlines references before compiling: a worker cannot look a set up.
        spec(
            at + ".transformSet",
            "TransformSet "
                + t.transformSet().name()
                + " is not inlined: the operator replaces a reference by the set's steps; was this"
                + " plan written by hand or by another version of the operator?");
        continue;
      }
      List<String> set = kinds(t);
      if (set.isEmpty()) {
        spec(at, "no transform set: set exactly one of " + KINDS);
        continue;
      }
      if (set.size() > 1) {
        spec(at, "sets " + String.join(" and ", set) + ": set exactly one of " + KINDS);
        continue;
      }
      String name = t.stepName(i);
      if (!names.add(name)) {
        spec(at + ".name", "step name '" + name + "' is used twice; names must be unique");
      }
      String kind = set.get(0);
      String path = at + "." + kind;
      switch (kind) {
        case "validate" -> {
          if (!RecordSchemas.present(schema)) {
            spec(
                path,
                "needs spec.schema with fields or jsonSchema; add a schema or remove the step");
          }
        }
        case "filter" ->
            expression(
                path + ".expression",
                t.filter().expression(),
                flow.before(i),
                CelEnvironment.Result.BOOL);
        case "map" -> computed(path, t.map(), flow, i);
        case "derive" -> computed(path, t.derive(), flow, i);
        case "normalize" -> normalize(path, t.normalize());
        case "dedupe" -> dedupe(path, t.dedupe());
        case "mask" -> mask(path, t.mask(), flow.before(i));
        case "consent" -> consent(path, t.consent(), source);
        case "aggregate" -> aggregate(path, t.aggregate());
        case "infer" -> {
          infer(path, t.infer(), flow.before(i));
          if (firstInfer < 0) firstInfer = i;
        }
        default -> throw new IllegalStateException("unknown transform kind " + kind);
      }
      if (firstInfer >= 0
          && firstInfer < i
          && t.validate() != null
          && t.validate().onInvalid() == ValidateTransform.OnInvalid.FAIL) {
        // Records pass an infer step a batch at a time, so the records after one that fails
        // validation would already be through the steps before the infer step: the stream could
        // not halt exactly at it.
        spec(
            path + ".onInvalid",
            "fail is not possible after an infer step ("
                + "transforms["
                + firstInfer
                + "]); move this validate step before it, or use deadLetter or drop");
      }
    }
  }

  private void remote(String path, InferTransform.Remote remote) {
    if (remote.url() == null || !remote.url().matches("^https?://[^/?#]+(/[^?#]*)?$")) {
      spec(path + ".url", "'" + remote.url() + "' is not http(s)://host[:port][/path]");
    }
    if (remote.model() == null || remote.model().isBlank()) {
      spec(path + ".model", "is required: the model's name on the server");
    }
    for (String[] d :
        new String[][] {
          {"timeout", remote.timeout()},
          {"backoff", remote.backoff()},
          {"breakerOpenFor", remote.breakerOpenFor()}
        }) {
      if (d[1] == null) continue;
      try {
        Durations.parse(d[1]);
      } catch (IllegalArgumentException e) {
        spec(path + "." + d[0], e.getMessage());
      }
    }
  }

  private void infer(String path, InferTransform spec, FieldFlow.Fields fields) {
    InferTransform.Model model = spec.model();
    if ((model == null) == (spec.remote() == null)) {
      spec(path, "set exactly one of model (ONNX in the worker) or remote (a model server)");
    } else if (spec.remote() != null) {
      remote(path + ".remote", spec.remote());
      if (spec.executionProvider() != null) {
        spec(
            path + ".executionProvider",
            "only for model (in the worker); a remote model server chooses its own hardware");
      }
    } else if (count(
            model.configMap() != null, model.persistentVolumeClaim() != null, model.uri() != null)
        != 1) {
      spec(path + ".model", "set exactly one of configMap, persistentVolumeClaim or uri");
    } else if (model.uri() != null) {
      if (!S3_OBJECT.matcher(model.uri()).matches()) {
        spec(
            path + ".model.uri",
            "'"
                + model.uri()
                + "' is not s3://bucket/key: write the model object's bucket (3-63 lower-case"
                + " letters, digits, dots or dashes) and key");
      }
      if (model.s3() == null) {
        spec(
            path + ".model.s3",
            "set it with uri: the store's endpoint, region and credentials (as sink.lake.s3)");
      }
    } else if (model.s3() != null) {
      spec(path + ".model.s3", "only with uri (s3://bucket/key); remove it or set uri instead");
    } else if (model.persistentVolumeClaim() != null
        && (model.file() == null
            || model.file().startsWith("/")
            || List.of(model.file().split("/")).contains(".."))) {
      spec(
          path + ".model.persistentVolumeClaim.path",
          "'" + model.file() + "' must be a relative path inside the volume, without ..");
    }
    Set<String> tensors = new HashSet<>();
    if (spec.inputs() == null || spec.inputs().isEmpty()) {
      spec(path + ".inputs", "needs at least one input: the model's tensor and its fields");
    } else {
      for (int j = 0; j < spec.inputs().size(); j++) {
        String at = path + ".inputs[" + j + "]";
        InferTransform.Input in = spec.inputs().get(j);
        if (in == null || in.tensor() == null || in.fields() == null || in.fields().isEmpty()) {
          spec(at, "needs tensor and at least one field");
          continue;
        }
        if (!tensors.add(in.tensor())) {
          spec(at + ".tensor", "input '" + in.tensor() + "' is listed twice");
        }
        for (int k = 0; k < in.fields().size(); k++) {
          String f = in.fields().get(k);
          if (f == null || !FIELD_NAME.matcher(f).matches()) {
            spec(at + ".fields[" + k + "]", "'" + f + "' is not a field name");
          } else if (!fields.canHave(f)) {
            spec(
                at + ".fields[" + k + "]",
                "records have no field '"
                    + f
                    + "' here; they have "
                    + String.join(", ", fields.visible()));
          }
        }
      }
    }
    if (spec.outputs() == null || spec.outputs().isEmpty()) {
      spec(path + ".outputs", "needs at least one output: the model's tensor and its field");
    } else {
      Set<String> out = new HashSet<>();
      for (int j = 0; j < spec.outputs().size(); j++) {
        String at = path + ".outputs[" + j + "]";
        InferTransform.Output o = spec.outputs().get(j);
        if (o == null || o.tensor() == null || o.field() == null) {
          spec(at, "needs tensor and field");
        } else if (!FIELD_NAME.matcher(o.field()).matches()) {
          spec(at + ".field", "'" + o.field() + "' is not a field name");
        } else if (!out.add(o.field())) {
          spec(at + ".field", "field '" + o.field() + "' is written twice");
        }
      }
    }
    if (spec.batchSize() != null && spec.batchSize() < 1) {
      spec(path + ".batchSize", "must be at least 1");
    }
    if (spec.maxWait() != null) {
      try {
        Durations.parse(spec.maxWait());
      } catch (IllegalArgumentException e) {
        spec(path + ".maxWait", e.getMessage());
      }
    }
  }

  private void expression(
      String path, String text, FieldFlow.Fields fields, CelEnvironment.Result result) {
    try {
      CelEnvironment.compile(text, fields.visible(), result);
    } catch (CelEnvironment.InvalidExpression e) {
      problems.add(PlanProblem.expression(path, e.getMessage()));
    }
  }

  private void computed(String path, DeriveTransform spec, FieldFlow flow, int index) {
    if (spec.fields() == null || spec.fields().isEmpty()) {
      spec(path + ".fields", "needs at least one field");
      return;
    }
    for (int j = 0; j < spec.fields().size(); j++) {
      String at = path + ".fields[" + j + "]";
      DeriveTransform.Field f = spec.fields().get(j);
      if (f == null) {
        spec(at, "needs name and expression");
        continue;
      }
      if (f.name() == null || !FIELD_NAME.matcher(f.name()).matches()) {
        spec(
            at + ".name",
            "'"
                + f.name()
                + "' is not a field name: use letters, digits and _, not starting with a digit");
      }
      expression(
          at + ".expression",
          f.expression(),
          flow.seenByComputedField(index, j),
          CelEnvironment.Result.ANY);
    }
  }

  private void normalize(String path, NormalizeTransform spec) {
    if (spec.rules() == null || spec.rules().isEmpty()) {
      spec(path + ".rules", "needs at least one rule");
      return;
    }
    for (int j = 0; j < spec.rules().size(); j++) {
      String at = path + ".rules[" + j + "]";
      NormalizeTransform.Rule r = spec.rules().get(j);
      if (r == null || r.field() == null || r.field().isBlank()) {
        spec(at + ".field", "is required: name the field to normalize");
        continue;
      }
      if (r.timestampPattern() != null) {
        try {
          DateTimeFormatter.ofPattern(r.timestampPattern(), Locale.ROOT);
        } catch (IllegalArgumentException e) {
          spec(
              at + ".timestampPattern",
              "is not a java.time pattern (e.g. dd/MM/yyyy HH:mm): " + e.getMessage());
        }
      }
    }
  }

  private void dedupe(String path, DedupeTransform spec) {
    if (spec.keyFields() == null || spec.keyFields().isEmpty()) {
      spec(path + ".keyFields", "needs at least one field that identifies a duplicate");
    }
    window(path + ".window", spec.window());
  }

  private void mask(String path, MaskTransform spec, FieldFlow.Fields in) {
    if (spec.fields() == null || spec.fields().isEmpty()) {
      spec(path + ".fields", "needs at least one field to mask");
      return;
    }
    for (int j = 0; j < spec.fields().size(); j++) {
      String at = path + ".fields[" + j + "]";
      MaskTransform.Field f = spec.fields().get(j);
      if (f == null || f.field() == null || f.method() == null) {
        spec(at, "needs field and method");
        continue;
      }
      switch (f.method()) {
        case HMAC, TOKENIZE -> {
          if (spec.keySecretRef() == null) {
            spec(
                at + ".method",
                f.method().name().toLowerCase(Locale.ROOT)
                    + " needs mask.keySecretRef (a Secret with the masking key)");
          }
        }
        case KEEP_LAST -> {
          if (f.keep() == null) {
            spec(at + ".keep", "keepLast needs keep (how many trailing characters)");
          }
        }
        case GENERALIZE -> {
          if (f.generalize() == null) {
            spec(
                at + ".generalize",
                "generalize needs generalize (year, month, bucket or ipv4Subnet)");
          } else if (f.generalize() == MaskTransform.Generalize.BUCKET
              && (f.bucketSize() == null || f.bucketSize() <= 0)) {
            spec(
                at + ".bucketSize",
                "generalize bucket needs bucketSize, the bucket width (> 0), e.g. 10 -> 30-39");
          } else {
            generalizable(at + ".generalize", f, in.types().get(f.field()));
          }
        }
        default -> {}
      }
    }
  }

  /**
   * Generalizing reads the field as a date (year, month), a number (bucket) or an IPv4 address: a
   * field whose type is known to be something else would be rejected on every record. The result is
   * text ("1987", "1987-04", "30-39", "10.1.2.0/24"), so at the sink the field is a string column
   * (see {@link SinkSchemas}), whatever its type before.
   */
  private void generalizable(String at, MaskTransform.Field f, SchemaSpec.Type type) {
    if (type == null) return;
    Set<SchemaSpec.Type> takes =
        switch (f.generalize()) {
          case YEAR, MONTH -> Set.of(SchemaSpec.Type.TIMESTAMP, SchemaSpec.Type.STRING);
          case BUCKET ->
              Set.of(SchemaSpec.Type.NUMBER, SchemaSpec.Type.INTEGER, SchemaSpec.Type.STRING);
          case IPV4_SUBNET -> Set.of(SchemaSpec.Type.STRING);
        };
    if (takes.contains(type)) return;
    String level =
        f.generalize() == MaskTransform.Generalize.IPV4_SUBNET
            ? "ipv4Subnet"
            : f.generalize().name().toLowerCase(Locale.ROOT);
    spec(
        at,
        level
            + " cannot generalize field "
            + f.field()
            + " of type "
            + type.name().toLowerCase(Locale.ROOT)
            + ": "
            + switch (f.generalize()) {
              case YEAR, MONTH -> "year and month take a timestamp (or a date as text)";
              case BUCKET -> "bucket takes a number";
              case IPV4_SUBNET -> "ipv4Subnet takes an IPv4 address as text";
            }
            + "; use another method (hmac, redact, drop) or fix the field's type");
  }

  private void consent(String path, ConsentTransform spec, SourceSpec source) {
    if (spec.purpose() == null || spec.purpose().isBlank()) {
      spec(path + ".purpose", "is required: the purpose this pipeline processes data for");
    }
    if (spec.subjectField() == null || spec.subjectField().isBlank()) {
      spec(path + ".subjectField", "is required: the field holding the data subject's id");
    }
    if (spec.topic() == null || spec.topic().isBlank()) {
      spec(path + ".topic", "is required: the compacted topic holding consent state");
    }
    if (spec.bootstrapServers() == null && (source == null || source.kafka() == null)) {
      spec(path + ".bootstrapServers", "is required when the source is not Kafka");
    }
  }

  private void aggregate(String path, AggregateTransform spec) {
    window(path + ".window", spec.window());
    if (spec.aggregations() == null || spec.aggregations().isEmpty()) {
      spec(path + ".aggregations", "needs at least one aggregation");
      return;
    }
    for (int j = 0; j < spec.aggregations().size(); j++) {
      String at = path + ".aggregations[" + j + "]";
      AggregateTransform.Aggregation a = spec.aggregations().get(j);
      if (a == null || a.function() == null || a.as() == null) {
        spec(at, "needs function and as");
        continue;
      }
      if (a.function() != AggregateTransform.Function.COUNT && a.field() == null) {
        spec(
            at + ".field",
            a.function().name().toLowerCase(Locale.ROOT) + " needs field, the numeric input");
      }
    }
  }

  private void window(String path, String text) {
    if (text == null) {
      spec(path, "is required, e.g. 10m or 1h");
      return;
    }
    Duration d;
    try {
      d = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      spec(path, e.getMessage());
      return;
    }
    if (d.isZero()) spec(path, "must be longer than zero");
  }

  private static List<String> kinds(TransformSpec t) {
    List<String> set = new ArrayList<>();
    if (t.validate() != null) set.add("validate");
    if (t.filter() != null) set.add("filter");
    if (t.map() != null) set.add("map");
    if (t.derive() != null) set.add("derive");
    if (t.normalize() != null) set.add("normalize");
    if (t.dedupe() != null) set.add("dedupe");
    if (t.mask() != null) set.add("mask");
    if (t.consent() != null) set.add("consent");
    if (t.aggregate() != null) set.add("aggregate");
    if (t.infer() != null) set.add("infer");
    return set;
  }

  /**
   * A lake or files path is a local path (a mounted volume) or {@code s3://bucket/prefix} with the
   * store's settings beside it (as the CRD's rules say).
   */
  private void storage(String at, String path, boolean hasStore) {
    if (path == null) return;
    boolean s3 = path.startsWith("s3://");
    if (!s3 && URI_SCHEME.matcher(path).find()) {
      spec(
          at + ".path",
          "use s3://bucket/prefix (with "
              + at
              + ".s3) or a path on a mounted volume; other object stores ("
              + path.substring(0, path.indexOf("://") + 3)
              + ") are not supported");
    } else if (s3 && !S3_PATH.matcher(path).matches()) {
      spec(
          at + ".path",
          "s3://bucket/prefix with a valid bucket name (3-63 lower-case letters, digits, dots or"
              + " hyphens)");
    }
    if (s3 != hasStore) {
      spec(
          at + ".s3",
          "set it exactly when path is s3://bucket/prefix (the store's endpoint, region and"
              + " credentials)");
    }
  }

  private void volume(String at, String path, VolumeClaim volume, String example) {
    if (volume == null || volume.mountPath() == null || volume.contains(path)) return;
    spec(
        at + ".volume",
        "path must lie under volume.mountPath (e.g. mountPath /lake, path " + example + ")");
  }

  private static int count(boolean... set) {
    int n = 0;
    for (boolean b : set) if (b) n++;
    return n;
  }

  private void spec(String path, String message) {
    problems.add(PlanProblem.spec(path, message));
  }
}

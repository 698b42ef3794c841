package io.tributary.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.plan.WorkerPlan.Kind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Every default of a pipeline, in one table. The plan compiler applies it exactly once; the worker
 * checks with {@link #missing} that a plan carries every value, and has no defaults of its own.
 * {@code docs/defaults.md} is this table (a test keeps them equal).
 *
 * <p>A path names a field of the plan; {@code [*]} is every element of a list. A default applies
 * where the field's parent object exists and the field is absent: {@code source.jdbc.fetchSize}
 * only matters for a jdbc source. Entries without a value are computed from the pipeline (its name,
 * its topics); the compiler fills them and the table says how.
 */
public final class Defaults {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Set<Kind> STREAM = EnumSet.of(Kind.STREAM_JOB);
  private static final Set<Kind> BATCH = EnumSet.of(Kind.DATA_PIPELINE);
  private static final Set<Kind> BOTH = EnumSet.allOf(Kind.class);

  /**
   * One default.
   *
   * @param path where it applies in the plan
   * @param kinds which pipeline kinds it applies to
   * @param value the default, or null when it is computed (see {@code rule})
   * @param rule how a computed default is found, or a note on a fixed one
   */
  public record Entry(String path, Set<Kind> kinds, JsonNode value, String rule) {
    /** The default as the docs show it. */
    public String shown() {
      if (value == null) return rule;
      String v = value.isTextual() ? value.asText() : value.toString();
      return rule == null ? "`" + v + "`" : "`" + v + "` (" + rule + ")";
    }
  }

  /** The table. Order is the order of the docs. */
  public static final List<Entry> TABLE =
      List.of(
          fixed("guarantee", STREAM, JSON.textNode("exactly-once"), null),
          fixed(
              "commitInterval",
              STREAM,
              JSON.textNode("1s"),
              "spec.checkpointInterval; the length of one Kafka transaction"),
          fixed("threads", STREAM, JSON.numberNode(1), "spec.compute.parallelism"),
          fixed("progressInterval", BATCH, JSON.textNode("10s"), "how often a run logs progress"),
          computed(
              "source.kafka.consumerGroup",
              BOTH,
              "`tributary-<namespace>-<name>`: one group per pipeline, so two never share"
                  + " offsets (a group you set must start with `tributary-<namespace>-`)"),
          fixed("source.kafka.startingOffsets", BOTH, JSON.textNode("earliest"), null),
          computed(
              "source.mqtt.shareGroup",
              STREAM,
              "the consumer group (`source.kafka.consumerGroup`): the workers of one pipeline"
                  + " share its MQTT subscriptions"),
          fixed(
              "source.mqtt.protocolVersion",
              STREAM,
              JSON.textNode("3.1.1"),
              "the only version supported; MQTT 5 is refused"),
          fixed("source.jdbc.partitions", BATCH, JSON.numberNode(1), "one sequential read"),
          fixed("source.jdbc.fetchSize", BATCH, JSON.numberNode(10_000), null),
          fixed("source.files.csv.header", BATCH, JSON.booleanNode(true), "format csv"),
          fixed("source.files.csv.delimiter", BATCH, JSON.textNode(","), "format csv"),
          fixed("source.files.csv.quote", BATCH, JSON.textNode("\""), "format csv"),
          fixed(
              "source.files.s3.region",
              BATCH,
              JSON.textNode("us-east-1"),
              "s3:// paths; MinIO and SeaweedFS accept it"),
          fixed(
              "source.files.s3.pathStyle",
              BATCH,
              JSON.booleanNode(false),
              "s3:// paths; virtual-hosted requests, as AWS S3 wants"),
          fixed("source.http.authHeader", BATCH, JSON.textNode("Authorization"), null),
          fixed("source.http.requestsPerSecond", BATCH, JSON.numberNode(10.0), null),
          fixed("source.http.maxRetries", BATCH, JSON.numberNode(5), null),
          fixed("source.http.pagination.pageSize", BATCH, JSON.numberNode(100), null),
          computed("transforms[*].name", BOTH, "`<kind>-<index>`, e.g. `mask-2`"),
          fixed("transforms[*].validate.onInvalid", BOTH, JSON.textNode("deadLetter"), null),
          fixed(
              "transforms[*].dedupe.maxKeys",
              BOTH,
              JSON.numberNode(1_000_000),
              "per input partition; the oldest key is forgotten first"),
          fixed(
              "transforms[*].aggregate.maxWindows",
              BOTH,
              JSON.numberNode(100_000),
              "per input partition; a record that would open one more is a dead letter"),
          fixed(
              "transforms[*].infer.batchSize",
              BOTH,
              JSON.numberNode(64),
              "records in one call of the model"),
          fixed(
              "transforms[*].infer.maxWait",
              BOTH,
              JSON.textNode("10ms"),
              "StreamJob; capped by the commit interval"),
          computed(
              "transforms[*].infer.executionProvider",
              BOTH,
              "with `model`: `cuda` when spec.compute.accelerator.type is `nvidia.com/gpu`, else"
                  + " `cpu`"),
          fixed(
              "transforms[*].infer.model.s3.region",
              BOTH,
              JSON.textNode("us-east-1"),
              "model.uri; MinIO and SeaweedFS accept it"),
          fixed(
              "transforms[*].infer.model.s3.pathStyle",
              BOTH,
              JSON.booleanNode(false),
              "model.uri; virtual-hosted requests, as AWS S3 wants"),
          fixed("transforms[*].infer.remote.datatype", BOTH, JSON.textNode("FP32"), null),
          fixed(
              "transforms[*].infer.remote.timeout",
              BOTH,
              JSON.textNode("2s"),
              "one request, connecting included"),
          fixed("transforms[*].infer.remote.maxRetries", BOTH, JSON.numberNode(3), null),
          fixed(
              "transforms[*].infer.remote.backoff",
              BOTH,
              JSON.textNode("100ms"),
              "before the first retry; doubles"),
          fixed(
              "transforms[*].infer.remote.breakerFailures",
              BOTH,
              JSON.numberNode(5),
              "failed batches in a row that open the circuit"),
          fixed("transforms[*].infer.remote.breakerOpenFor", BOTH, JSON.textNode("30s"), null),
          computed(
              "transforms[*].consent.bootstrapServers",
              BOTH,
              "the source's Kafka cluster (required when the source is not Kafka)"),
          fixed("sink.jdbc.mode", BATCH, JSON.textNode("append"), null),
          fixed("sink.jdbc.batchSize", BATCH, JSON.numberNode(1000), null),
          fixed(
              "sink.lake.maxOpenFiles",
              BOTH,
              JSON.numberNode(64),
              "partition files open at once; records of more partitions are spilled to staging"
                  + " and written after, one file per partition still"),
          fixed(
              "sink.lake.s3.region",
              BOTH,
              JSON.textNode("us-east-1"),
              "s3:// paths; MinIO and SeaweedFS accept it"),
          fixed(
              "sink.lake.s3.pathStyle",
              BOTH,
              JSON.booleanNode(false),
              "s3:// paths; virtual-hosted requests, as AWS S3 wants"),
          fixed(
              "sink.lake.iceberg.catalog.name",
              BOTH,
              JSON.textNode("tributary"),
              "format iceberg; readers open the catalog by this name"),
          fixed("sink.featureStore.database", BOTH, JSON.numberNode(0), null),
          computed("deadLetter.topic", STREAM, "`<first input topic>.dlq`"),
          computed(
              "deadLetter.bootstrapServers",
              BOTH,
              "when deadLetter.topic is set: the sink's Kafka cluster, else the source's"),
          computed(
              "deadLetter.path",
              BATCH,
              "`<lake path>/_rejected` when the sink is a lake and no deadLetter.topic is set"),
          fixed("deadLetter.maxRejectedRatio", BATCH, JSON.numberNode(0.01), null),
          fixed(
              "events.http.timeout",
              BOTH,
              JSON.textNode("5s"),
              "one attempt to deliver an event, connecting included"),
          fixed(
              "events.http.maxAttempts",
              BOTH,
              JSON.numberNode(3),
              "per event; the backoff doubles from 200ms"));

  private Defaults() {}

  /** Fills every fixed default of {@code kind} into {@code plan} where it applies. */
  static void apply(ObjectNode plan, Kind kind) {
    for (Entry e : TABLE) {
      if (e.value() == null || !e.kinds().contains(kind)) continue;
      forEachSlot(
          plan,
          e.path(),
          (at, parent, field) -> {
            if (parent.path(field).isMissingNode() || parent.path(field).isNull()) {
              parent.set(field, e.value().deepCopy());
            }
          });
    }
  }

  /**
   * The paths a plan of {@code kind} lacks although they apply, e.g. {@code
   * transforms[2].validate.onInvalid}. Computed entries whose condition is not met (a dead-letter
   * path when a topic is set) are the compiler's business and are only checked where present.
   */
  public static List<String> missing(ObjectNode plan, Kind kind) {
    List<String> out = new ArrayList<>();
    for (Entry e : TABLE) {
      if (!e.kinds().contains(kind)) continue;
      if (e.value() == null && !alwaysComputed(e.path(), plan)) continue;
      forEachSlot(
          plan,
          e.path(),
          (at, parent, field) -> {
            JsonNode v = parent.path(field);
            if ((v.isMissingNode() || v.isNull()) && appliesAt(e.path(), parent)) out.add(at);
          });
    }
    return out;
  }

  /** Whether a default applies in this parent: an execution provider only to in-worker models. */
  private static boolean appliesAt(String path, ObjectNode parent) {
    return !path.equals("transforms[*].infer.executionProvider") || parent.has("model");
  }

  /** Computed defaults that must be present wherever their parent is. */
  private static boolean alwaysComputed(String path, ObjectNode plan) {
    return switch (path) {
      case "source.kafka.consumerGroup",
          "source.mqtt.shareGroup",
          "transforms[*].name",
          "transforms[*].consent.bootstrapServers",
          "transforms[*].infer.executionProvider",
          "deadLetter.topic" ->
          true;
      case "deadLetter.bootstrapServers" -> plan.path("deadLetter").hasNonNull("topic");
      default -> false;
    };
  }

  private static Entry fixed(String path, Set<Kind> kinds, JsonNode value, String rule) {
    return new Entry(path, kinds, value, rule);
  }

  private static Entry computed(String path, Set<Kind> kinds, String rule) {
    return new Entry(path, kinds, null, rule);
  }

  /** Calls {@code slot} for every place {@code path} names whose parent object exists. */
  private static void forEachSlot(ObjectNode root, String path, Slot slot) {
    walk(root, path.split("\\."), 0, "", slot);
  }

  private static void walk(JsonNode node, String[] segs, int i, String at, Slot slot) {
    if (!(node instanceof ObjectNode obj)) return;
    String seg = segs[i];
    boolean each = seg.endsWith("[*]");
    String field = each ? seg.substring(0, seg.length() - 3) : seg;
    String here = at.isEmpty() ? field : at + "." + field;
    if (i == segs.length - 1) {
      slot.accept(here, obj, field);
      return;
    }
    JsonNode child = obj.path(field);
    if (each) {
      if (child instanceof ArrayNode list) {
        for (int k = 0; k < list.size(); k++) {
          walk(list.get(k), segs, i + 1, here + "[" + k + "]", slot);
        }
      }
    } else {
      walk(child, segs, i + 1, here, slot);
    }
  }

  /** A place a path names: its spelled-out path, the parent object and the field name. */
  private interface Slot {
    void accept(String at, ObjectNode parent, String field);
  }
}

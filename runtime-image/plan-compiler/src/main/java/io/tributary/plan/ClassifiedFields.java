package io.tributary.plan;

import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SchemaSpec.Classification;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.transform.MaskTransform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The personal-data policy: what becomes of every classified field (schema {@code classification}
 * or {@code pii: true}, and every field computed from one) at the sink and in the dead letters.
 * Which fields exist, which hold classified data and which are masked after each step is {@link
 * FieldFlow}'s analysis; this class only judges its result. The plan check refuses a plan whose
 * sink would receive a classified field unmasked ({@link #problems}), lineage reports {@link
 * #atSink}, and the worker's dead-letter writer masks what {@link #deadLetters} says. Pure.
 */
public final class ClassifiedFields {
  private ClassifiedFields() {}

  /** What becomes of a classified field at the sink. */
  public enum Treatment {
    /** A mask step masked it and nothing unmasked it after. */
    MASKED,
    /** A mask drop, a map or an aggregate removed it. */
    DROPPED,
    /** A computed value that holds no classified data took its place. */
    REPLACED,
    /** The record has it unmasked, but the sink writes only other fields (featureStore). */
    NOT_WRITTEN,
    /** The sink receives it unmasked and is allowed to ({@code sink.allowClassified}). */
    ALLOWED,
    /** The sink would receive it unmasked without being allowed to: the plan is refused. */
    UNMASKED
  }

  /**
   * One classified field as the sink sees it.
   *
   * @param field the field's name where it was last seen in the chain
   * @param level personal or sensitive
   * @param source the schema field the data comes from (the field itself for a schema field)
   * @param method the mask method when {@code treatment} is MASKED, else null
   */
  public record AtSink(
      String field,
      Classification level,
      String source,
      Treatment treatment,
      MaskTransform.Method method) {}

  /**
   * How the dead-letter writer hides one field of a rejected record.
   *
   * @param field the field
   * @param step the index of the mask step whose method (and key) is used, or -1 for redact
   * @param mask that step's setting for the field, or null: redact ({@code ***})
   */
  public record DeadLetterRule(String field, int step, MaskTransform.Field mask) {
    /** Whether the value is replaced by {@code ***} rather than masked by a configured method. */
    public boolean redacts() {
      return mask == null;
    }
  }

  /** Every field that holds classified data at some point of the chain, with its last holding. */
  static Map<String, FieldFlow.Classified> everClassified(FieldFlow flow) {
    Map<String, FieldFlow.Classified> out = new LinkedHashMap<>(flow.input().classified());
    for (int i = 0; i < flow.steps(); i++) {
      out.putAll(flow.after(i).classified());
    }
    return out;
  }

  /** What the sink receives of each classified field, in order of first appearance. */
  public static List<AtSink> atSink(
      SchemaSpec schema, List<TransformSpec> transforms, SinkSpec sink) {
    FieldFlow flow = FieldFlow.of(schema, transforms);
    FieldFlow.Fields out = flow.output();
    Set<String> written = written(sink);
    List<AtSink> result = new ArrayList<>();
    everClassified(flow)
        .forEach(
            (field, last) -> {
              FieldFlow.Classified now = out.classified().get(field);
              FieldFlow.Classified shown = now != null ? now : last;
              result.add(
                  new AtSink(
                      field,
                      shown.level(),
                      shown.source(),
                      treatment(field, out, written, sink),
                      out.masked().get(field)));
            });
    return List.copyOf(result);
  }

  private static Treatment treatment(
      String field, FieldFlow.Fields out, Set<String> written, SinkSpec sink) {
    if (!out.canHave(field) || out.dropped().contains(field)) return Treatment.DROPPED;
    if (out.masked().containsKey(field)) return Treatment.MASKED;
    if (!out.classified().containsKey(field)) return Treatment.REPLACED;
    if (written != null && !written.contains(field)) return Treatment.NOT_WRITTEN;
    if (sink != null && sink.allowsClassified(field)) return Treatment.ALLOWED;
    return Treatment.UNMASKED;
  }

  /**
   * The fields the sink writes when it writes only some (a feature store with a feature list: the
   * entity keys, which become part of the Redis key, and the features); null when it writes every
   * field of the record (lake, jdbc, kafka, a feature store without a list).
   */
  private static Set<String> written(SinkSpec sink) {
    if (sink == null || sink.featureStore() == null || sink.featureStore().features() == null) {
      return null;
    }
    Set<String> out = new LinkedHashSet<>();
    if (sink.featureStore().entityKeys() != null) out.addAll(sink.featureStore().entityKeys());
    out.addAll(sink.featureStore().features());
    return out;
  }

  /**
   * The refusal of a sink that would receive classified fields unmasked without being allowed to:
   * one problem at {@code sink} naming every such field, where its data comes from, the sink, and
   * the fixes. Empty when the sink receives no classified field unmasked, or only allowed ones.
   */
  public static List<PlanProblem> problems(
      SchemaSpec schema, List<TransformSpec> transforms, SinkSpec sink) {
    if (sink == null) return List.of();
    List<AtSink> unmasked =
        atSink(schema, transforms, sink).stream()
            .filter(a -> a.treatment() == Treatment.UNMASKED)
            .toList();
    if (unmasked.isEmpty()) return List.of();
    List<String> named = new ArrayList<>();
    for (AtSink a : unmasked) {
      String from = a.source().equals(a.field()) ? "" : ", computed from " + a.source();
      named.add(a.field() + " (" + a.level() + from + ")");
    }
    boolean one = unmasked.size() == 1;
    String fields =
        one
            ? "field " + named.get(0)
            : "fields "
                + String.join(", ", named.subList(0, named.size() - 1))
                + " and "
                + named.get(named.size() - 1);
    String it = one ? "it" : "them";
    String list = String.join(", ", unmasked.stream().map(AtSink::field).toList());
    return List.of(
        PlanProblem.personalData(
            "sink",
            fields
                + (one ? " reaches the " : " reach the ")
                + describe(sink)
                + " unmasked: mask "
                + it
                + " (a mask step) or drop "
                + it
                + " before the sink, or, if this sink may hold "
                + it
                + ", set sink.allowClassified: ["
                + list
                + "]"));
  }

  /** The sink as messages name it: its kind and what identifies it. */
  static String describe(SinkSpec sink) {
    if (sink.lake() != null) return "lake sink " + sink.lake().path();
    if (sink.jdbc() != null) return "jdbc sink (table " + sink.jdbc().table() + ")";
    if (sink.kafka() != null) return "kafka sink (topic " + sink.kafka().topic() + ")";
    if (sink.featureStore() != null) {
      return "featureStore sink (feature view " + sink.featureStore().featureView() + ")";
    }
    return "sink";
  }

  /**
   * How the dead-letter writer hides every field that holds classified data somewhere in the chain:
   * with the method of the first mask step that masks the field (its drop removes the field), else
   * by redaction. A dead letter is a record at some point of the chain, so every such field is
   * hidden wherever it is found; sink allowances do not apply to dead letters.
   */
  public static List<DeadLetterRule> deadLetters(
      SchemaSpec schema, List<TransformSpec> transforms) {
    FieldFlow flow = FieldFlow.of(schema, transforms);
    List<DeadLetterRule> out = new ArrayList<>();
    for (String field : everClassified(flow).keySet()) {
      out.add(rule(field, transforms));
    }
    return List.copyOf(out);
  }

  private static DeadLetterRule rule(String field, List<TransformSpec> transforms) {
    List<TransformSpec> steps = transforms == null ? List.of() : transforms;
    for (int i = 0; i < steps.size(); i++) {
      MaskTransform mask = steps.get(i) == null ? null : steps.get(i).mask();
      if (mask == null || mask.fields() == null) continue;
      for (MaskTransform.Field f : mask.fields()) {
        if (f != null && field.equals(f.field()) && f.method() != null) {
          return new DeadLetterRule(field, i, f);
        }
      }
    }
    return new DeadLetterRule(field, -1, null);
  }
}

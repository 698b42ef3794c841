package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.plan.ClassifiedFields;
import io.tributary.plan.FieldFlow;
import io.tributary.runtime.Secrets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hides the classified fields of a record on its way to the dead letters, so a dead letter never
 * carries personal or sensitive data unmasked, whatever the sink is allowed to hold. Which fields
 * and how is {@link ClassifiedFields#deadLetters}: every field that holds classified data somewhere
 * in the chain is masked with the method of the first mask step that masks it (with that step's
 * key; its drop removes the field), and redacted ({@code ***}) when no mask step names it or its
 * method cannot apply to the value (a container, a value already generalized). Missing fields stay
 * missing and nulls stay null, as in the mask step.
 *
 * <p>A record taken from inside the chain may already be masked in place by earlier steps; its
 * masked fields are masked again (an hmac of an hmac, harmless). A record the sink refused is the
 * chain's output: fields masked there are left as they are ({@link #output}).
 */
public final class DeadLetterMask {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private record Rule(String field, MaskStep step, MaskTransform.Field spec) {}

  /**
   * A masked copy of a record and the fields hidden in it.
   *
   * @param fields the fields masked, redacted or dropped, in rule order (for the dead letter's
   *     {@code masked} list)
   */
  public record Masked(ObjectNode record, List<String> fields) {}

  private final List<Rule> rules;
  private final Set<String> maskedAtOutput;

  private DeadLetterMask(List<Rule> rules, Set<String> maskedAtOutput) {
    this.rules = rules;
    this.maskedAtOutput = maskedAtOutput;
  }

  /**
   * The mask of {@code plan}'s dead letters; reads the masking keys of the mask steps it uses.
   *
   * @throws IllegalArgumentException when a key's secret file cannot be read
   */
  public static DeadLetterMask compile(WorkerPlan plan, Secrets secrets) {
    List<TransformSpec> steps = plan.transforms() == null ? List.of() : plan.transforms();
    Map<Integer, MaskStep> keyed = new HashMap<>();
    List<Rule> rules = new ArrayList<>();
    for (ClassifiedFields.DeadLetterRule r :
        ClassifiedFields.deadLetters(plan.schema(), plan.transforms())) {
      MaskStep step = null;
      if (!r.redacts() && r.mask().method() != MaskTransform.Method.DROP) {
        MaskTransform spec = steps.get(r.step()).mask();
        step =
            keyed.computeIfAbsent(
                r.step(),
                i ->
                    new MaskStep(
                        spec,
                        spec.keySecretRef() == null
                            ? null
                            : secrets.readBytes(spec.keySecretRef())));
      }
      rules.add(new Rule(r.field(), step, r.mask()));
    }
    Set<String> atOutput =
        FieldFlow.of(plan.schema(), plan.transforms()).output().masked().keySet();
    return new DeadLetterMask(List.copyOf(rules), Set.copyOf(atOutput));
  }

  /** The mask of a plan without classified fields: dead letters keep records as they are. */
  public static DeadLetterMask none() {
    return new DeadLetterMask(List.of(), Set.of());
  }

  /** Whether the plan has classified fields, so dead letters need masking at all. */
  public boolean active() {
    return !rules.isEmpty();
  }

  /** A copy of a record taken at the source or inside the chain, every classified field hidden. */
  public Masked anywhere(ObjectNode record) {
    return hide(record, Set.of());
  }

  /**
   * A copy of a record the chain delivered (the sink refused it): fields the chain masked are left
   * as they are, every other classified field is hidden (an allowance of the sink does not reach
   * its dead letters).
   */
  public Masked output(ObjectNode record) {
    return hide(record, maskedAtOutput);
  }

  private Masked hide(ObjectNode record, Set<String> alreadyMasked) {
    if (!active() || record == null) return new Masked(record, List.of());
    ObjectNode out = record.deepCopy();
    List<String> hidden = new ArrayList<>();
    for (Rule r : rules) {
      if (alreadyMasked.contains(r.field()) || !out.has(r.field())) continue;
      if (r.spec() != null && r.spec().method() == MaskTransform.Method.DROP) {
        out.remove(r.field());
        hidden.add(r.field());
        continue;
      }
      JsonNode v = out.get(r.field());
      if (v.isNull()) continue;
      out.set(r.field(), masked(r, v));
      hidden.add(r.field());
    }
    return new Masked(out, List.copyOf(hidden));
  }

  private static JsonNode masked(Rule r, JsonNode v) {
    if (r.step() == null) return JSON.textNode(MaskStep.REDACTED);
    try {
      return r.step().mask(r.spec(), v);
    } catch (RuntimeException e) {
      // The method does not fit this value (a container, a date already generalized): the value
      // is hidden all the same.
      return JSON.textNode(MaskStep.REDACTED);
    }
  }
}

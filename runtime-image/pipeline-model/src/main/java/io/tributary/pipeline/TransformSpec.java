package io.tributary.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.transform.AggregateTransform;
import io.tributary.pipeline.transform.ConsentTransform;
import io.tributary.pipeline.transform.DedupeTransform;
import io.tributary.pipeline.transform.DeriveTransform;
import io.tributary.pipeline.transform.FilterTransform;
import io.tributary.pipeline.transform.InferTransform;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.pipeline.transform.NormalizeTransform;
import io.tributary.pipeline.transform.TransformSetRef;
import io.tributary.pipeline.transform.ValidateTransform;

/**
 * One step of the transform chain, or a reference to a TransformSet whose steps stand in its place.
 * Exactly one transform kind is set.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "[has(self.validate), has(self.filter), has(self.map), has(self.derive),"
            + " has(self.normalize), has(self.dedupe), has(self.mask), has(self.consent),"
            + " has(self.aggregate), has(self.infer), has(self.transformSet)].filter(x, x).size()"
            + " == 1",
    message =
        "transforms[]: set exactly one of validate, filter, map, derive, normalize, dedupe, mask,"
            + " consent, aggregate, infer or transformSet per step")
@ValidationRule(
    value = "!has(self.transformSet) || !has(self.name)",
    message =
        "transforms[].name: a transformSet entry has no name of its own; its steps keep the names"
            + " the TransformSet gives them, after the set's name (<set>/<step>)")
public record TransformSpec(
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
        @JsonPropertyDescription(
            "Step name used in metrics, dead-letter headers and lineage; default <kind>-<index>.")
        String name,
    @JsonPropertyDescription(
            "Check each record against spec.schema; invalid records go to the dead-letter"
                + " destination.")
        ValidateTransform validate,
    @JsonPropertyDescription("Keep only records for which a CEL expression is true.")
        FilterTransform filter,
    @JsonPropertyDescription(
            "Replace each record by the fields computed with CEL expressions (a projection).")
        DeriveTransform map,
    @JsonPropertyDescription(
            "Add or overwrite fields computed with CEL expressions; other fields stay.")
        DeriveTransform derive,
    @JsonPropertyDescription(
            "Normalize field values: trim, case, Unicode NFC, ISO-8601 timestamps, numbers,"
                + " unit scaling.")
        NormalizeTransform normalize,
    @JsonPropertyDescription("Drop repeats of the same key within a time window (stateful).")
        DedupeTransform dedupe,
    @JsonPropertyDescription(
            "Mask personal data: HMAC, redact, keep last N, generalize, tokenize or drop fields.")
        MaskTransform mask,
    @JsonPropertyDescription(
            "Keep a record only if its data subject consented to the pipeline's purpose.")
        ConsentTransform consent,
    @JsonPropertyDescription(
            "Tumbling-window count/sum/avg/min/max by key (stateful); emits one record per key"
                + " and window.")
        AggregateTransform aggregate,
    @JsonPropertyDescription(
            "Run an ONNX model on record fields in micro-batches and add its outputs as fields"
                + " (ONNX Runtime, on CPU or an NVIDIA GPU).")
        InferTransform infer,
    @JsonPropertyDescription(
            "Run the steps of a TransformSet of this namespace here, in its order (reusable"
                + " transforms); see docs/transform-sets.md.")
        TransformSetRef transformSet) {

  /** A validate step. */
  public static TransformSpec of(ValidateTransform t) {
    return new TransformSpec(null, t, null, null, null, null, null, null, null, null, null, null);
  }

  /** A filter step. */
  public static TransformSpec of(FilterTransform t) {
    return new TransformSpec(null, null, t, null, null, null, null, null, null, null, null, null);
  }

  /** A derive step (for a map step use {@link #map(DeriveTransform)}: they share a type). */
  public static TransformSpec of(DeriveTransform t) {
    return new TransformSpec(null, null, null, null, t, null, null, null, null, null, null, null);
  }

  /** A map (projection) step. */
  public static TransformSpec map(DeriveTransform t) {
    return new TransformSpec(null, null, null, t, null, null, null, null, null, null, null, null);
  }

  /** The same step, named {@code stepName}. */
  public TransformSpec withName(String stepName) {
    return new TransformSpec(
        stepName,
        validate,
        filter,
        map,
        derive,
        normalize,
        dedupe,
        mask,
        consent,
        aggregate,
        infer,
        transformSet);
  }

  /** A normalize step. */
  public static TransformSpec of(NormalizeTransform t) {
    return new TransformSpec(null, null, null, null, null, t, null, null, null, null, null, null);
  }

  /** A dedupe step. */
  public static TransformSpec of(DedupeTransform t) {
    return new TransformSpec(null, null, null, null, null, null, t, null, null, null, null, null);
  }

  /** A mask step. */
  public static TransformSpec of(MaskTransform t) {
    return new TransformSpec(null, null, null, null, null, null, null, t, null, null, null, null);
  }

  /** A consent step. */
  public static TransformSpec of(ConsentTransform t) {
    return new TransformSpec(null, null, null, null, null, null, null, null, t, null, null, null);
  }

  /** An aggregate step. */
  public static TransformSpec of(AggregateTransform t) {
    return new TransformSpec(null, null, null, null, null, null, null, null, null, t, null, null);
  }

  /** An infer step. */
  public static TransformSpec of(InferTransform t) {
    return new TransformSpec(null, null, null, null, null, null, null, null, null, null, t, null);
  }

  /** The same step with {@code t} as its infer settings (the plan compiler's resolved ones). */
  public TransformSpec withInfer(InferTransform t) {
    return new TransformSpec(
        name,
        validate,
        filter,
        map,
        derive,
        normalize,
        dedupe,
        mask,
        consent,
        aggregate,
        t,
        transformSet);
  }

  /** A reference to TransformSet {@code name}, resolved by the operator before compiling. */
  public static TransformSpec of(TransformSetRef t) {
    return new TransformSpec(null, null, null, null, null, null, null, null, null, null, null, t);
  }

  /** The transform kind that is set, e.g. "mask". */
  @JsonIgnore
  public String kind() {
    if (validate != null) return "validate";
    if (filter != null) return "filter";
    if (map != null) return "map";
    if (derive != null) return "derive";
    if (normalize != null) return "normalize";
    if (dedupe != null) return "dedupe";
    if (mask != null) return "mask";
    if (consent != null) return "consent";
    if (aggregate != null) return "aggregate";
    if (infer != null) return "infer";
    if (transformSet != null) return "transformSet";
    return "none";
  }

  /** The step name: the explicit one or {@code <kind>-<index>}. */
  public String stepName(int index) {
    return name != null ? name : kind() + "-" + index;
  }
}

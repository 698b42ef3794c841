package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Reusable transforms: a named list of transform steps that DataPipelines and StreamJobs of the
 * same namespace run by naming it in their transforms ({@code - transformSet: {name: ...}}). The
 * operator puts the steps in the pipeline's plan in place of the reference, so every check runs on
 * the whole chain; a change of the set rolls out to every pipeline naming it.
 */
@Group(Groups.GROUP)
@Version(Groups.VERSION)
@ShortNames("ts")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Steps",
    jsonPath = ".status.steps",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Used By",
    jsonPath = ".status.usedByCount",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Revision",
    jsonPath = ".status.revision",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Status",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class TransformSet extends CustomResource<TransformSetSpec, TransformSetStatus>
    implements Namespaced {
  // Overridden only so that the CRD schema, and so kubectl explain, describes spec and status.
  @Override
  @JsonPropertyDescription(
      "The steps, of the same kinds and with the same fields as a pipeline's spec.transforms,"
          + " that every pipeline naming this set runs in place of the reference.")
  public TransformSetSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription(
      "What the operator observed: the revision (a hash of the steps) pipelines roll out, the"
          + " pipelines naming the set, and whether its steps pass the checks a pipeline makes."
          + " Written only by the operator.")
  public TransformSetStatus getStatus() {
    return super.getStatus();
  }
}

package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A CPU or GPU node pool that pipeline workers run on. The operator places workers with its node
 * selector and tolerations, reports its nodes, and resizes it through scaleTargetRef: it grows the
 * pool when workers wait for room on it and shrinks it when nodes stay idle.
 */
@Group(Groups.GROUP)
@Version(Groups.VERSION)
@ShortNames("cpool")
@AdditionalPrinterColumn(
    name = "Accelerator",
    jsonPath = ".spec.accelerator.product",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Region",
    jsonPath = ".spec.region",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Nodes",
    jsonPath = ".status.nodesText",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Desired",
    jsonPath = ".status.desiredNodes",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Waiting",
    jsonPath = ".status.pending.workers",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ComputePool extends CustomResource<ComputePoolSpec, ComputePoolStatus> {
  // Overridden only so that the CRD schema, and so kubectl explain, describes spec and status.
  @Override
  @JsonPropertyDescription(
      "The node pool: region, node selector, taints, accelerator, node size, node-count"
          + " bounds and the resource that resizes it.")
  public ComputePoolSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription(
      "What the operator observed and did: matching nodes, ready nodes, allocatable capacity,"
          + " waiting workers and the autoscaler's last decision. Written only by the operator.")
  public ComputePoolStatus getStatus() {
    return super.getStatus();
  }
}

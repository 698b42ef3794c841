package io.tributary.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A CPU or GPU node pool that pipeline workers run on. The operator places workers with its node
 * selector and tolerations, reports its nodes, and resizes it through scaleTargetRef.
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
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ComputePool extends CustomResource<ComputePoolSpec, ComputePoolStatus> {}

package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An entry of the endpoint catalog: an external service pipelines may reach (a Kafka cluster, a
 * database, an HTTP API, a Redis), where it is, and how the network reaches it. Created by the
 * platform team, cluster-scoped, so no pipeline author can say where their endpoints are: the
 * operator matches every address a pipeline names against the catalog, refuses addresses no entry
 * covers and entries outside the pipeline's region, and opens the workers' egress to the entries
 * they use and nothing else (docs/security.md, "Endpoint catalog").
 */
@Group(Groups.GROUP)
@Version(Groups.VERSION)
@ShortNames("dep")
@AdditionalPrinterColumn(
    name = "Type",
    jsonPath = ".spec.type",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Region",
    jsonPath = ".spec.region",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Hosts",
    jsonPath = ".spec.hosts",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ports",
    jsonPath = ".spec.ports",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
// No status (Void): the operator only reads the catalog. The generator still declares an empty
// status object, which ExplainCoverageTest lets go undescribed for this kind alone.
public class DataEndpoint extends CustomResource<DataEndpointSpec, Void> {
  // Overridden only so that the CRD schema, and so kubectl explain, describes spec.
  @Override
  @JsonPropertyDescription(
      "The endpoint as the platform team vouches for it: what it is, its region, the host names"
          + " and ports pipelines write for it, whether it requires TLS, and the network peers"
          + " its workers' egress NetworkPolicy opens for it.")
  public DataEndpointSpec getSpec() {
    return super.getSpec();
  }
}

package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A real-time stream: Kafka in, transforms in flight, Kafka or the feature store out, exactly-once
 * by default. Becomes a Deployment of the worker runtime; scalable with kubectl scale, an HPA or
 * KEDA through the scale subresource, or by the operator from consumer lag.
 */
@Group(Groups.GROUP)
@Version(Groups.VERSION)
@ShortNames("sj")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.readyText",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Lag",
    jsonPath = ".status.lag",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Guarantee",
    jsonPath = ".status.guarantee",
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
public class StreamJob extends CustomResource<StreamJobSpec, StreamJobStatus>
    implements Namespaced {
  // Overridden only so that the CRD schema, and so kubectl explain, describes spec and status.
  @Override
  @JsonPropertyDescription(
      "What the stream reads (source.kafka), how it transforms records in flight, where it"
          + " writes (sink.kafka, sink.featureStore or an Iceberg table with sink.lake), its"
          + " delivery guarantee, and how its"
          + " workers scale and where they run.")
  public StreamJobSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription(
      "What the operator observed: conditions Ready/Progressing/Degraded with reasons,"
          + " workers ready/desired, consumer lag, the guarantee in force. Written only by the"
          + " operator.")
  public StreamJobStatus getStatus() {
    return super.getStatus();
  }
}

package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A batch ETL pipeline: extract, transform, load. Each run becomes a Kubernetes Job of the worker
 * runtime; runs are triggered by a cron schedule, by upstream pipelines succeeding (dependsOn), by
 * the tributary.io/run-now annotation, or once per spec change when there is no schedule.
 */
@Group(Groups.GROUP)
@Version(Groups.VERSION)
@ShortNames("dp")
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
// How long ago the latest run ended (empty while it is still going).
@AdditionalPrinterColumn(
    name = "Last Run",
    jsonPath = ".status.lastRun.finishedAt",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Records",
    jsonPath = ".status.lastRun.recordsWritten",
    type = AdditionalPrinterColumn.Type.INTEGER)
// A string, not a date: kubectl prints a date column as the age of a past time and as <invalid>
// for a future one, and the next run is always in the future.
@AdditionalPrinterColumn(
    name = "Next Run",
    jsonPath = ".status.nextRunTime",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class DataPipeline extends CustomResource<DataPipelineSpec, DataPipelineStatus>
    implements Namespaced {
  // Overridden only so that the CRD schema, and so kubectl explain, describes spec and status.
  @Override
  @JsonPropertyDescription(
      "What a run extracts (source), transforms (transforms) and loads (sink), and when"
          + " runs happen: schedule (cron), dependsOn (after upstream pipelines succeed), the"
          + " tributary.io/run-now annotation, or once per spec change when neither schedule nor"
          + " dependsOn is set.")
  public DataPipelineSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription(
      "What the operator observed: phase, conditions Ready/Progressing/Degraded with"
          + " reasons, the latest run, a bounded run history and the next scheduled time. Written"
          + " only by the operator.")
  public DataPipelineStatus getStatus() {
    return super.getStatus();
  }
}

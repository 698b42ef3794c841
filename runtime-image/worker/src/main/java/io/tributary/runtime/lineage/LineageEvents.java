package io.tributary.runtime.lineage;

import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineage.RunEvent.EventType;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.plan.ClassifiedFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Builds the OpenLineage run events of a plan. Pure apart from the event time.
 *
 * <p>Classified fields are tagged (the standard {@code tags} dataset facet, field-level tags with
 * source {@code tributary}): on the inputs {@code classification} = {@code personal} or {@code
 * sensitive} for each classified schema field; on the output, for every field that holds classified
 * data somewhere in the chain, its {@code classification} and {@code masking}: the mask method
 * ({@code hmac}, {@code redact}, {@code keepLast}, {@code generalize}, {@code tokenize}), {@code
 * drop} (removed before the sink), {@code replaced} (overwritten with unclassified data), {@code
 * notWritten} (the sink writes other fields only) or {@code none} (the sink is allowed to hold it
 * unmasked, {@code sink.allowClassified}).
 */
final class LineageEvents {
  static final String CLASSIFICATION = "classification";
  static final String MASKING = "masking";
  private static final String TAG_SOURCE = "tributary";

  private final OpenLineage ol = new OpenLineage(LineageEmitter.PRODUCER);
  private final WorkerPlan plan;
  private final UUID runId;

  LineageEvents(WorkerPlan plan, UUID runId) {
    this.plan = plan;
    this.runId = runId;
  }

  OpenLineage.RunEvent event(EventType type, Long recordsWritten, String error) {
    OpenLineage.RunFacetsBuilder runFacets =
        ol.newRunFacetsBuilder()
            .processing_engine(
                ol.newProcessingEngineRunFacet(
                    version(),
                    "tributary",
                    OpenLineage.class.getPackage().getImplementationVersion()));
    if (error != null) {
      runFacets.errorMessage(ol.newErrorMessageRunFacet(error, "java", null));
    }
    return ol.newRunEventBuilder()
        .eventTime(LineageEmitter.now())
        .eventType(type)
        .run(ol.newRun(runId, runFacets.build()))
        .job(job())
        .inputs(inputs())
        .outputs(outputs(recordsWritten))
        .build();
  }

  private OpenLineage.TagsDatasetFacetFields tag(String key, String value, String field) {
    return ol.newTagsDatasetFacetFieldsBuilder()
        .key(key)
        .value(value)
        .source(TAG_SOURCE)
        .field(field)
        .build();
  }

  /** How a classified field reaches the sink, as the masking tag says it. */
  static String masking(ClassifiedFields.AtSink a) {
    return switch (a.treatment()) {
      case MASKED -> methodName(a.method());
      case DROPPED -> "drop";
      case REPLACED -> "replaced";
      case NOT_WRITTEN -> "notWritten";
      case ALLOWED, UNMASKED -> "none";
    };
  }

  /** The method as the spec spells it: keepLast, hmac, ... */
  static String methodName(MaskTransform.Method m) {
    String[] words = m.name().toLowerCase(Locale.ROOT).split("_");
    StringBuilder out = new StringBuilder(words[0]);
    for (int i = 1; i < words.length; i++) {
      out.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
    }
    return out.toString();
  }

  private static String version() {
    String v = LineageEvents.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  private OpenLineage.Job job() {
    boolean stream = plan.kind() == WorkerPlan.Kind.STREAM_JOB;
    String namespace =
        plan.lineage() != null && plan.lineage().namespace() != null
            ? plan.lineage().namespace()
            : "tributary";
    String name =
        plan.pipeline() == null
            ? "pipeline"
            : plan.pipeline().namespace() + "." + plan.pipeline().name();
    return ol.newJobBuilder()
        .namespace(namespace)
        .name(name)
        .facets(
            ol.newJobFacetsBuilder()
                .jobType(
                    ol.newJobTypeJobFacet(
                        stream ? "STREAMING" : "BATCH",
                        "TRIBUTARY",
                        plan.kind().resourceKind(),
                        null))
                .build())
        .build();
  }

  private List<OpenLineage.InputDataset> inputs() {
    List<OpenLineage.InputDataset> out = new ArrayList<>();
    if (plan.source() == null) return out;
    for (DatasetRef d : DatasetRef.inputs(plan.source())) {
      OpenLineage.DatasetFacetsBuilder facets = ol.newDatasetFacetsBuilder();
      if (plan.schema() != null && plan.schema().fields() != null) {
        List<OpenLineage.SchemaDatasetFacetFields> fields = new ArrayList<>();
        for (SchemaSpec.Field f : plan.schema().fields()) {
          String desc = f.description();
          if (f.classifiedAs() != null) {
            desc = (desc == null ? "" : desc + " ") + "[pii]";
          }
          fields.add(
              ol.newSchemaDatasetFacetFieldsBuilder()
                  .name(f.name())
                  .type(f.type() == null ? null : f.type().name().toLowerCase())
                  .description(desc)
                  .build());
        }
        facets.schema(ol.newSchemaDatasetFacet(fields));
        List<OpenLineage.TagsDatasetFacetFields> tags = new ArrayList<>();
        for (SchemaSpec.Field f : plan.schema().fields()) {
          if (f.classifiedAs() != null) {
            tags.add(tag(CLASSIFICATION, f.classifiedAs().toString(), f.name()));
          }
        }
        if (!tags.isEmpty()) facets.tags(ol.newTagsDatasetFacet(tags));
      }
      out.add(
          ol.newInputDatasetBuilder()
              .namespace(d.namespace())
              .name(d.name())
              .facets(facets.build())
              .build());
    }
    return out;
  }

  private List<OpenLineage.OutputDataset> outputs(Long recordsWritten) {
    if (plan.sink() == null) return List.of();
    DatasetRef d = DatasetRef.output(plan.sink());
    List<FieldLineage.Output> lineage = FieldLineage.compute(plan.schema(), plan.transforms());
    OpenLineage.DatasetFacetsBuilder facets = ol.newDatasetFacetsBuilder();
    if (!lineage.isEmpty()) {
      List<OpenLineage.SchemaDatasetFacetFields> fields = new ArrayList<>();
      OpenLineage.ColumnLineageDatasetFacetFieldsBuilder columns =
          ol.newColumnLineageDatasetFacetFieldsBuilder();
      List<DatasetRef> inputs =
          plan.source() == null ? List.of() : DatasetRef.inputs(plan.source());
      for (FieldLineage.Output o : lineage) {
        fields.add(ol.newSchemaDatasetFacetFieldsBuilder().name(o.name()).type(o.type()).build());
        List<OpenLineage.InputField> in = new ArrayList<>();
        for (DatasetRef input : inputs) {
          for (FieldLineage.Source s : o.inputs()) {
            in.add(
                ol.newInputFieldBuilder()
                    .namespace(input.namespace())
                    .name(input.name())
                    .field(s.field())
                    .transformations(
                        List.of(
                            ol.newInputFieldTransformationsBuilder()
                                .type(s.type())
                                .subtype(s.subtype())
                                .description(s.description())
                                .masking(s.masking())
                                .build()))
                    .build());
          }
        }
        columns.put(
            o.name(),
            ol.newColumnLineageDatasetFacetFieldsAdditionalBuilder().inputFields(in).build());
      }
      facets.schema(ol.newSchemaDatasetFacet(fields));
      facets.columnLineage(
          ol.newColumnLineageDatasetFacetBuilder().fields(columns.build()).build());
    }
    List<OpenLineage.TagsDatasetFacetFields> tags = new ArrayList<>();
    for (ClassifiedFields.AtSink a :
        ClassifiedFields.atSink(plan.schema(), plan.transforms(), plan.sink())) {
      tags.add(tag(CLASSIFICATION, a.level().toString(), a.field()));
      tags.add(tag(MASKING, masking(a), a.field()));
    }
    if (!tags.isEmpty()) facets.tags(ol.newTagsDatasetFacet(tags));
    OpenLineage.OutputDatasetBuilder b =
        ol.newOutputDatasetBuilder().namespace(d.namespace()).name(d.name()).facets(facets.build());
    if (recordsWritten != null) {
      b.outputFacets(
          ol.newOutputDatasetOutputFacetsBuilder()
              .outputStatistics(
                  ol.newOutputStatisticsOutputDatasetFacet(recordsWritten, null, null))
              .build());
    }
    return List.of(b.build());
  }
}

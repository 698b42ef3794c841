package io.tributary.runtime.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineage.RunEvent.EventType;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SchemaSpec.Classification;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.FeatureStoreSink;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.pipeline.source.FilesSource;
import io.tributary.pipeline.transform.DeriveTransform;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.pipeline.transform.MaskTransform.Method;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Lineage says which classified fields reached the output and how they were masked. */
class ClassificationTagsTest {
  private static final SchemaSpec SCHEMA =
      new SchemaSpec(
          List.of(
              SchemaSpec.Field.of("id", SchemaSpec.Type.STRING),
              SchemaSpec.Field.of("email", SchemaSpec.Type.STRING).asPii(),
              SchemaSpec.Field.of("card", SchemaSpec.Type.STRING)
                  .classified(Classification.PERSONAL),
              SchemaSpec.Field.of("diagnosis", SchemaSpec.Type.STRING)
                  .classified(Classification.SENSITIVE),
              SchemaSpec.Field.of("name", SchemaSpec.Type.STRING)
                  .classified(Classification.PERSONAL)),
          null);

  @Test
  void everyClassifiedFieldIsTaggedWithItsLevelAndHowItReachedTheSink() {
    List<TransformSpec> steps =
        List.of(
            TransformSpec.of(
                new DeriveTransform(
                    List.of(
                        new DeriveTransform.Field("contact", "email"),
                        new DeriveTransform.Field("diagnosis", "'withheld'")))),
            TransformSpec.of(
                new MaskTransform(
                    null,
                    List.of(
                        MaskTransform.Field.of("card", Method.KEEP_LAST).withKeep(4),
                        MaskTransform.Field.of("email", Method.DROP)))));
    SinkSpec sink =
        SinkSpec.of(new LakeSink("/lake/out", FileFormat.JSONL, null))
            .allowingClassified(List.of("contact", "name"));

    assertThat(tags(output(plan(steps, sink))))
        .containsExactly(
            "email classification=personal",
            "email masking=drop",
            "card classification=personal",
            "card masking=keepLast",
            "diagnosis classification=sensitive",
            "diagnosis masking=replaced",
            "name classification=personal",
            "name masking=none",
            "contact classification=personal",
            "contact masking=none");
    assertThat(tags(plan(steps, sink).getInputs().get(0).getFacets().getTags()))
        .containsExactly(
            "email classification=personal",
            "card classification=personal",
            "diagnosis classification=sensitive",
            "name classification=personal");
  }

  @Test
  void fieldsAFeatureStoreDoesNotWriteAreTaggedNotWritten() {
    SinkSpec sink =
        SinkSpec.of(
            new FeatureStoreSink(
                "redis:6379", null, null, "customers", List.of("id"), List.of("id"), null));
    assertThat(tags(output(plan(List.of(), sink))))
        .contains("diagnosis masking=notWritten", "email masking=notWritten");
  }

  @Test
  void aPlanWithoutClassifiedFieldsHasNoTags() {
    WorkerPlan plan =
        WorkerPlan.builder(WorkerPlan.Kind.DATA_PIPELINE)
            .pipeline("ns", "p", "u")
            .source(SourceSpec.of(new FilesSource("/in/*.jsonl", FileFormat.JSONL, null)))
            .sink(SinkSpec.of(new LakeSink("/lake/out", FileFormat.JSONL, null)))
            .schema(
                new SchemaSpec(List.of(SchemaSpec.Field.of("id", SchemaSpec.Type.STRING)), null))
            .build();
    OpenLineage.RunEvent e =
        new LineageEvents(plan, UUID.randomUUID()).event(EventType.START, null, null);
    assertThat(e.getOutputs().get(0).getFacets().getTags()).isNull();
    assertThat(e.getInputs().get(0).getFacets().getTags()).isNull();
  }

  private static OpenLineage.RunEvent plan(List<TransformSpec> steps, SinkSpec sink) {
    WorkerPlan plan =
        WorkerPlan.builder(WorkerPlan.Kind.DATA_PIPELINE)
            .pipeline("ns", "p", "u")
            .source(SourceSpec.of(new FilesSource("/in/*.jsonl", FileFormat.JSONL, null)))
            .transforms(steps)
            .sink(sink)
            .schema(SCHEMA)
            .build();
    return new LineageEvents(plan, UUID.randomUUID()).event(EventType.COMPLETE, 1L, null);
  }

  private static OpenLineage.TagsDatasetFacet output(OpenLineage.RunEvent e) {
    return e.getOutputs().get(0).getFacets().getTags();
  }

  private static List<String> tags(OpenLineage.TagsDatasetFacet facet) {
    return facet.getTags().stream()
        .map(t -> t.getField() + " " + t.getKey() + "=" + t.getValue())
        .toList();
  }
}

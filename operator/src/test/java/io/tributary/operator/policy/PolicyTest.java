package io.tributary.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.ComputeSpec;
import io.tributary.operator.api.ResidencySpec;
import io.tributary.operator.status.Conditions.Reason;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.pipeline.source.FilesSource;
import io.tributary.pipeline.transform.DeriveTransform;
import io.tributary.pipeline.transform.FilterTransform;
import io.tributary.plan.PipelineDefinition;
import io.tributary.plan.PlanCompiler;
import io.tributary.plan.PlanContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyTest {
  private static final SourceSpec SOURCE_UAE =
      SourceSpec.of(new FilesSource("/lake/raw/*.jsonl", FileFormat.JSONL, null))
          .inRegion("me-central-1");
  private static final SinkSpec SINK_EU =
      SinkSpec.of(new LakeSink("/lake/eu", FileFormat.PARQUET, null)).inRegion("eu-west-1");
  private static final SinkSpec SINK_UAE =
      SinkSpec.of(new LakeSink("/lake/uae", FileFormat.PARQUET, null)).inRegion("me-central-1");
  private static final ComputePoolSpec GPU_POOL =
      ComputePoolSpec.of("me-central-1", Map.of("tributary.io/pool", "gpu-a100"))
          .withTaints(
              List.of(
                  new ComputePoolSpec.Taint(
                      "nvidia.com/gpu", "present", ComputePoolSpec.Taint.Effect.NO_SCHEDULE)))
          .withAccelerator(new ComputePoolSpec.Accelerator("nvidia.com/gpu", "A100", 4))
          .withNodes(0, 8);

  @Test
  void regionComesFromTheNamespaceLabelThenTheSpec() {
    assertThat(
            ResidencyPolicy.Residency.of(new ResidencySpec("me-central-1"), "eu-west-1").region())
        .contains("eu-west-1");
    assertThat(ResidencyPolicy.Residency.of(new ResidencySpec("me-central-1"), null).region())
        .contains("me-central-1");
    assertThat(ResidencyPolicy.Residency.of(new ResidencySpec("me-central-1"), " ").region())
        .contains("me-central-1");
    assertThat(ResidencyPolicy.Residency.of(null, "eu-west-1").region()).contains("eu-west-1");
    assertThat(ResidencyPolicy.Residency.of(null, null).region()).isEmpty();
  }

  @Test
  void uaeDataMayNotBeWrittenToAnEuSinkNorProcessedOnAnEuPool() {
    List<String> v =
        ResidencyPolicy.violations(
            new ResidencyPolicy.Residency(null, "me-central-1"),
            SOURCE_UAE,
            SINK_EU,
            "cpu-eu",
            "eu-west-1");
    assertThat(v)
        .containsExactly(
            "spec.sink.region is eu-west-1 but the data must stay in me-central-1: write to a sink in me-central-1",
            "spec.compute.pool cpu-eu is in eu-west-1 but the data must stay in me-central-1: choose a pool in me-central-1");
  }

  @Test
  void withoutARegionAnythingGoes() {
    assertThat(
            ResidencyPolicy.violations(
                ResidencyPolicy.Residency.none(), SOURCE_UAE, SINK_EU, "cpu-eu", "eu-west-1"))
        .isEmpty();
  }

  @Test
  void poolMustExistAndOfferTheAccelerator() {
    var gpu = new ComputeSpec.Accelerator("nvidia.com/gpu", 1, "A100");
    assertThat(PoolPolicy.check(new ComputeSpec("gpu-a100", null, null, gpu), null))
        .get()
        .asString()
        .contains("ComputePool gpu-a100 does not exist");
    assertThat(PoolPolicy.check(new ComputeSpec("gpu-a100", null, null, gpu), GPU_POOL)).isEmpty();
    assertThat(
            PoolPolicy.check(
                new ComputeSpec(
                    "gpu-a100",
                    null,
                    null,
                    new ComputeSpec.Accelerator("nvidia.com/gpu", 1, "H100")),
                GPU_POOL))
        .get()
        .asString()
        .contains("offers A100, not H100");
    assertThat(
            PoolPolicy.check(
                new ComputeSpec(
                    "gpu-a100", null, null, new ComputeSpec.Accelerator("nvidia.com/gpu", 8, null)),
                GPU_POOL))
        .get()
        .asString()
        .contains("exceeds the 4 per node");
    assertThat(PoolPolicy.check(ComputeSpec.of(gpu), null))
        .get()
        .asString()
        .startsWith("spec.compute.accelerator needs spec.compute.pool");
  }

  @Test
  void celIsCheckedAgainstTheFieldsEachStepSeesAndTheFirstProblemIsNamedByItsField() {
    var schema =
        new SchemaSpec(
            List.of(SchemaSpec.Field.of("amount", SchemaSpec.Type.NUMBER).asRequired()), null);
    List<TransformSpec> transforms =
        List.of(
            TransformSpec.of(new FilterTransform("amount > 100.0")),
            TransformSpec.of(
                new DeriveTransform(List.of(new DeriveTransform.Field("fee", "amount * 0.01")))),
            TransformSpec.of(new FilterTransform("fee > 1.0 && amont < 5.0")),
            TransformSpec.of(new FilterTransform("amount >")));
    var problem = planProblem(SOURCE_UAE, transforms, SINK_UAE, schema);
    assertThat(problem)
        .contains(
            new PipelineChecks.Problem(
                Reason.InvalidExpression,
                "spec.transforms[2].filter.expression: CEL refers to 'amont', which is not a field"
                    + " here (known fields: [amount, fee]); fix the name or add the field to"
                    + " spec.schema"));
  }

  @Test
  void withoutASchemaAnyFieldIsAcceptedButTheExpressionIsStillChecked() {
    assertThat(
            planProblem(
                SOURCE_UAE,
                List.of(TransformSpec.of(new FilterTransform("anything > 1"))),
                SINK_UAE,
                null))
        .isEmpty();
    assertThat(
            planProblem(
                SOURCE_UAE, List.of(TransformSpec.of(new FilterTransform("(("))), SINK_UAE, null))
        .get()
        .extracting(PipelineChecks.Problem::reason)
        .isEqualTo(Reason.InvalidExpression);
  }

  @Test
  void dependsOnCyclesAreFoundThroughTheStart() {
    Map<String, List<String>> edges =
        Map.of("a", List.of("b"), "b", List.of("c"), "c", List.of("a"), "d", List.of("a"));
    assertThat(DependencyGraph.cycleThrough("a", edges)).contains(List.of("a", "b", "c", "a"));
    assertThat(DependencyGraph.cycleThrough("d", edges)).isEmpty();
    assertThat(DependencyGraph.cycleThrough("x", Map.of("x", List.of("x"))))
        .contains(List.of("x", "x"));
  }

  @Test
  void checksReportTheFirstProblemWithItsReason() {
    var problem =
        PipelineChecks.check(
            SOURCE_UAE, SINK_EU, null, null, ResidencyPolicy.Residency.of(null, "me-central-1"));
    assertThat(problem)
        .get()
        .extracting(PipelineChecks.Problem::reason)
        .isEqualTo(Reason.ResidencyViolation);
    var unknown =
        PipelineChecks.check(
            SOURCE_UAE,
            SINK_EU,
            ComputeSpec.inPool("nope"),
            null,
            ResidencyPolicy.Residency.none());
    assertThat(unknown)
        .get()
        .extracting(PipelineChecks.Problem::reason)
        .isEqualTo(Reason.UnknownPool);
  }

  /** What the operator reports for the plan the compiler makes of these parts. */
  private static Optional<PipelineChecks.Problem> planProblem(
      SourceSpec source, List<TransformSpec> transforms, SinkSpec sink, SchemaSpec schema) {
    return PipelineChecks.plan(
        PlanCompiler.compile(
                PipelineDefinition.batch()
                    .source(source)
                    .transforms(transforms)
                    .sink(sink)
                    .schema(schema)
                    .build(),
                PlanContext.of("ns", "p", "u"))
            .problems());
  }
}

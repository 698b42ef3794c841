package io.tributary.runtime.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.Guarantee;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.plan.PipelineDefinition;
import io.tributary.plan.PlanCompiler;
import io.tributary.plan.PlanContext;
import java.util.List;

/**
 * Plans for tests, compiled by the operator's own plan compiler: a test writes what a spec would
 * say, in the plan's JSON shape, and gets the plan the worker really receives, every default
 * applied. A hand-written plan would miss defaults, and the worker refuses those.
 */
public final class TestPlans {
  private static final ObjectMapper JSON = PlanJson.mapper();

  private TestPlans() {}

  /**
   * Compiles a partial plan: {@code kind}, {@code pipeline}, {@code source}, {@code transforms},
   * {@code sink}, {@code schema}, {@code deadLetter} (topic, path, maxRejectedRatio), {@code
   * guarantee}, {@code commitInterval} and {@code threads} are read as the spec would give them;
   * {@code run}, {@code metricsPort}, {@code secretsDir}, {@code modelsDir} and {@code lineage} as
   * the context. A DataPipeline without {@code run} gets run {@code run-1}, attempt 1.
   */
  public static WorkerPlan compile(String partialPlanJson) {
    try {
      ObjectNode n = (ObjectNode) JSON.readTree(partialPlanJson);
      WorkerPlan.Kind kind = JSON.treeToValue(n.get("kind"), WorkerPlan.Kind.class);
      PipelineDefinition.Builder d =
          kind == WorkerPlan.Kind.STREAM_JOB
              ? PipelineDefinition.stream()
              : PipelineDefinition.batch();
      d.source(value(n, "source", SourceSpec.class))
          .sink(value(n, "sink", SinkSpec.class))
          .schema(value(n, "schema", SchemaSpec.class))
          .deadLetter(value(n, "deadLetter", DeadLetterSpec.class))
          .guarantee(value(n, "guarantee", Guarantee.class))
          .commitInterval(n.hasNonNull("commitInterval") ? n.get("commitInterval").asText() : null)
          .parallelism(n.hasNonNull("threads") ? n.get("threads").asInt() : null);
      if (n.hasNonNull("transforms")) {
        d.transforms(
            JSON.convertValue(n.get("transforms"), new TypeReference<List<TransformSpec>>() {}));
      }
      JsonNode who = n.path("pipeline");
      PlanContext context =
          PlanContext.of(
                  who.path("namespace").asText("ns"),
                  who.path("name").asText("p"),
                  who.path("uid").asText("u"))
              .withMetricsPort(n.path("metricsPort").asInt(0))
              .withLineage(value(n, "lineage", WorkerPlan.LineageConfig.class));
      if (kind == WorkerPlan.Kind.DATA_PIPELINE) {
        JsonNode run = n.path("run");
        context =
            context.withRun(
                run.path("id").asText("run-1"),
                run.path("attempt").asInt(1),
                run.hasNonNull("watermark") ? run.get("watermark").asText() : null);
      }
      PlanCompiler.Result r = PlanCompiler.compile(d.build(), context);
      if (r.plan() == null) throw new IllegalArgumentException("not a plan: " + r.problems());
      WorkerPlan plan = r.plan();
      if (n.hasNonNull("secretsDir")) {
        plan = plan.toBuilder().secretsDir(n.get("secretsDir").asText()).build();
      }
      if (n.hasNonNull("modelsDir")) {
        plan = plan.toBuilder().modelsDir(n.get("modelsDir").asText()).build();
      }
      return plan;
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** {@link #compile}, as the JSON a worker reads. */
  public static String compileToJson(String partialPlanJson) {
    return PlanJson.write(compile(partialPlanJson));
  }

  private static <T> T value(ObjectNode n, String field, Class<T> type) throws java.io.IOException {
    return n.hasNonNull(field) ? JSON.treeToValue(n.get(field), type) : null;
  }
}

package io.tributary.runtime.transform;

import static io.tributary.runtime.testing.TestModels.fraudScore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.transform.InferTransform.ExecutionProvider;
import io.tributary.runtime.PlanException;
import io.tributary.runtime.Secrets;
import io.tributary.runtime.testing.TestModels;
import io.tributary.runtime.testing.TestPlans;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The infer step on the real test model, in ONNX Runtime on the CPU. */
class InferTest {
  private static final String SCHEMA =
      "{\"fields\":[{\"name\":\"id\",\"type\":\"integer\"},{\"name\":\"amount\",\"type\":\"number\"},"
          + "{\"name\":\"age\",\"type\":\"number\"},{\"name\":\"risk\",\"type\":\"number\"}]}";

  @TempDir Path models;

  /** An infer step "score" reading amount, age, risk into tensor {@code input}. */
  private static String infer(String input, String fields, String outputs, int batchSize) {
    return "{\"name\":\"score\",\"infer\":{\"model\":{\"configMap\":{\"name\":\"m\",\"key\":"
        + "\"fraud.onnx\"}},\"inputs\":[{\"tensor\":\""
        + input
        + "\",\"fields\":"
        + fields
        + "}],\"outputs\":"
        + outputs
        + ",\"batchSize\":"
        + batchSize
        + "}}";
  }

  private static final String SCORE = "[{\"tensor\":\"score\",\"field\":\"fraud_score\"}]";
  private static final String FIELDS = "[\"amount\",\"age\",\"risk\"]";

  private WorkerPlan plan(String transforms) {
    TestModels.mount(models, "score", "fraud.onnx", TestModels.FRAUD);
    return TestPlans.compile(
        "{\"kind\":\"StreamJob\",\"source\":{\"kafka\":{\"bootstrapServers\":\"127.0.0.1:9\","
            + "\"topics\":[\"in\"]}},\"sink\":{\"kafka\":{\"bootstrapServers\":\"127.0.0.1:9\","
            + "\"topic\":\"out\"}},\"schema\":"
            + SCHEMA
            + ",\"modelsDir\":\""
            + models
            + "\",\"transforms\":"
            + transforms
            + "}");
  }

  private TransformChain chain(String transforms, InferenceObserver observer) {
    return TransformChain.compile(
        plan(transforms),
        Secrets.fromDir(Path.of("/nonexistent")),
        TransformChain.Options.defaults().withInference(observer));
  }

  /** What processAll said of each input. */
  private record Told(Map<Integer, List<ObjectNode>> out, Map<Integer, String> rejected) {}

  private static Told runAll(TransformChain chain, String... records) {
    List<ObjectNode> in = new ArrayList<>();
    for (String r : records) in.add(Plans.record(r));
    Told told = new Told(new TreeMap<>(), new TreeMap<>());
    chain.processAll(
        in,
        Instant.EPOCH,
        new TransformChain.BatchOutput() {
          @Override
          public void emit(int input, ObjectNode out) {
            told.out().computeIfAbsent(input, i -> new ArrayList<>()).add(out);
          }

          @Override
          public void rejected(int input, RejectedRecordException e) {
            told.rejected().put(input, e.stepName() + ": " + e.reason());
          }
        });
    return told;
  }

  /** Calls of the model, as the metrics see them. */
  private static final class Calls implements InferenceObserver {
    final List<String> loaded = new ArrayList<>();
    final List<Integer> sizes = new ArrayList<>();

    @Override
    public void loaded(String step, String provider) {
      loaded.add(step + "@" + provider);
    }

    @Override
    public void batch(String step, String provider, int records, double seconds) {
      sizes.add(records);
    }
  }

  @Test
  void scoresRecordsInBatchesOfAtMostBatchSizeAndKeepsTheirOrder() {
    Calls calls = new Calls();
    TransformChain c = chain("[" + infer("features", FIELDS, SCORE, 2) + "]", calls);
    Told told =
        runAll(
            c,
            "{\"id\":0,\"amount\":1200,\"age\":3,\"risk\":0.9}",
            "{\"id\":1,\"amount\":15.5,\"age\":40,\"risk\":0.1}",
            "{\"id\":2,\"amount\":700,\"age\":1,\"risk\":0.5}",
            "{\"id\":3,\"amount\":0,\"age\":0,\"risk\":0}",
            "{\"id\":4,\"amount\":99,\"age\":12,\"risk\":1}");

    assertThat(calls.loaded).containsExactly("score@cpu");
    assertThat(calls.sizes).containsExactly(2, 2, 1);
    assertThat(told.rejected()).isEmpty();
    assertThat(told.out()).containsOnlyKeys(0, 1, 2, 3, 4);
    double[][] in = {{1200, 3, 0.9}, {15.5, 40, 0.1}, {700, 1, 0.5}, {0, 0, 0}, {99, 12, 1}};
    for (int i = 0; i < in.length; i++) {
      ObjectNode out = told.out().get(i).get(0);
      assertThat(out.get("id").asInt()).isEqualTo(i);
      assertThat(out.get("fraud_score").asDouble())
          .isCloseTo(fraudScore(in[i][0], in[i][1], in[i][2]), within(1e-6));
    }
    assertThat(c.stepCounts()).containsExactly(new RunSummary.StepCount("score", 5, 5, 0, 0));
  }

  @Test
  void aRecordTheModelCannotReadIsDeadLetteredAndTheRestOfItsBatchIsScored() {
    Calls calls = new Calls();
    TransformChain c = chain("[" + infer("features", FIELDS, SCORE, 64) + "]", calls);
    Told told =
        runAll(
            c,
            "{\"id\":0,\"amount\":10,\"age\":3,\"risk\":0.9}",
            "{\"id\":1,\"amount\":10,\"risk\":0.1}",
            "{\"id\":2,\"amount\":\"ten\",\"age\":1,\"risk\":0.5}",
            "{\"id\":3,\"amount\":10,\"age\":null,\"risk\":0.5}",
            "{\"id\":4,\"amount\":10,\"age\":2,\"risk\":0.5}");
    assertThat(told.rejected())
        .containsExactly(
            Map.entry(1, "score: field 'age' is missing; the model needs it"),
            Map.entry(2, "score: field 'amount' is string, not a number"),
            Map.entry(3, "score: field 'age' is missing; the model needs it"));
    assertThat(told.out()).containsOnlyKeys(0, 4);
    assertThat(calls.sizes).containsExactly(2);
    assertThat(c.stepCounts()).containsExactly(new RunSummary.StepCount("score", 5, 2, 3, 0));
  }

  @Test
  void aBatchGivesWhatRecordByRecordGivesThroughTheStepsAroundIt() {
    String steps =
        "[{\"filter\":{\"expression\":\"amount > 10.0\"}},"
            + infer("features", FIELDS, SCORE, 3)
            + ",{\"derive\":{\"fields\":[{\"name\":\"flag\",\"expression\":\"fraud_score > 0.5\"}]}},"
            + "{\"filter\":{\"expression\":\"flag\"}}]";
    String[] records = new String[10];
    for (int i = 0; i < records.length; i++) {
      records[i] = "{\"id\":" + i + ",\"amount\":" + (i * 150) + ",\"age\":" + i + ",\"risk\":0.4}";
    }
    TransformChain batched = chain(steps, InferenceObserver.NONE);
    Told told = runAll(batched, records);

    TransformChain single = chain(steps, InferenceObserver.NONE);
    Map<Integer, List<ObjectNode>> expected = new TreeMap<>();
    for (int i = 0; i < records.length; i++) {
      int input = i;
      single.process(
          Plans.record(records[i]),
          Instant.EPOCH,
          o -> expected.computeIfAbsent(input, k -> new ArrayList<>()).add(o));
    }
    assertThat(told.out()).isEqualTo(expected).isNotEmpty();
    assertThat(told.out().keySet()).doesNotContain(0, 1); // filtered, then not flagged
    assertThat(batched.stepCounts()).isEqualTo(single.stepCounts());
  }

  @Test
  void aHaltBeforeTheInferStepIsToldAfterEveryEarlierRecordAndStopsTheRest() {
    String steps =
        "[{\"validate\":{\"onInvalid\":\"fail\"}}," + infer("features", FIELDS, SCORE, 64) + "]";
    TransformChain c = chain(steps, InferenceObserver.NONE);
    List<String> order = new ArrayList<>();
    List<ObjectNode> in =
        List.of(
            Plans.record("{\"id\":0,\"amount\":1,\"age\":1,\"risk\":1}"),
            Plans.record("{\"id\":1,\"amount\":\"x\",\"age\":1,\"risk\":1}"),
            Plans.record("{\"id\":2,\"amount\":1,\"age\":1,\"risk\":1}"));
    c.processAll(
        in,
        Instant.EPOCH,
        new TransformChain.BatchOutput() {
          @Override
          public void emit(int input, ObjectNode out) {
            order.add("out " + input);
          }

          @Override
          public void rejected(int input, RejectedRecordException e) {
            order.add((e.failsRun() ? "halt " : "dead letter ") + input);
          }
        });
    assertThat(order).containsExactly("out 0", "halt 1");
  }

  @Test
  void aListOutputBecomesAListOfNumbers() {
    TransformChain c =
        chain(
            "["
                + infer(
                    "features",
                    FIELDS,
                    "[{\"tensor\":\"parts\",\"field\":\"parts\"},"
                        + "{\"tensor\":\"score\",\"field\":\"s\"}]",
                    8)
                + "]",
            InferenceObserver.NONE);
    ObjectNode out = Plans.run(c, "{\"amount\":1000,\"age\":10,\"risk\":0.5}").get(0);
    assertThat(out.get("parts").size()).isEqualTo(3);
    assertThat(out.get("parts").get(0).asDouble()).isCloseTo(2.0, within(1e-6));
    assertThat(out.get("parts").get(1).asDouble()).isCloseTo(-0.5, within(1e-6));
    assertThat(out.get("parts").get(2).asDouble()).isCloseTo(0.4, within(1e-6));
    assertThat(out.get("s").asDouble()).isCloseTo(fraudScore(1000, 10, 0.5), within(1e-6));
  }

  @Test
  void aModelWhoseInputsDoNotMatchTheMappingIsRefusedNamingBoth() {
    assertThatThrownBy(
            () -> chain("[" + infer("feats", FIELDS, SCORE, 8) + "]", InferenceObserver.NONE))
        .isInstanceOf(PlanException.class)
        .hasMessageContaining("transforms[0]")
        .hasMessageContaining(
            "the model's inputs are [features: float[-1,3]] but infer.inputs maps [feats (3"
                + " fields)]");
    assertThatThrownBy(
            () ->
                chain(
                    "[" + infer("features", "[\"amount\",\"age\"]", SCORE, 8) + "]",
                    InferenceObserver.NONE))
        .isInstanceOf(PlanException.class)
        .hasMessageContaining(
            "the model's input features: float[-1,3] does not take infer.inputs' 2 fields as"
                + " [batch, 2] numbers");
  }

  @Test
  void anOutputTheModelDoesNotHaveIsRefused() {
    assertThatThrownBy(
            () ->
                chain(
                    "["
                        + infer("features", FIELDS, "[{\"tensor\":\"prob\",\"field\":\"p\"}]", 8)
                        + "]",
                    InferenceObserver.NONE))
        .isInstanceOf(PlanException.class)
        .hasMessageContaining(
            "infer.outputs names 'prob', which the model does not have; its outputs are"
                + " [score: float[-1,1], parts: float[-1,3]]");
  }

  @Test
  void aMissingModelFileNamesTheFileAndWhereToLook() {
    WorkerPlan plan = plan("[" + infer("features", FIELDS, SCORE, 8) + "]");
    WorkerPlan elsewhere = plan.toBuilder().modelsDir(models.resolve("nothing").toString()).build();
    assertThatThrownBy(
            () -> TransformChain.compile(elsewhere, Secrets.fromDir(Path.of("/nonexistent"))))
        .isInstanceOf(PlanException.class)
        .hasMessageContaining(models.resolve("nothing/score/fraud.onnx").toString())
        .hasMessageContaining("check the ConfigMap key or the claim's path in infer.model");
  }

  @Test
  void cudaOnAWorkerWithoutACudaProviderRefusesToStartInsteadOfRunningOnCpu() {
    WorkerPlan plan = plan("[" + infer("features", FIELDS, SCORE, 8) + "]");
    TransformSpec step = plan.transforms().get(0);
    WorkerPlan cuda =
        plan.toBuilder()
            .transforms(
                List.of(step.withInfer(step.infer().withExecutionProvider(ExecutionProvider.CUDA))))
            .build();
    assertThatThrownBy(() -> TransformChain.compile(cuda, Secrets.fromDir(Path.of("/none"))))
        .isInstanceOf(PlanException.class)
        .hasMessageContaining(
            "executionProvider cuda: this worker's ONNX Runtime has no CUDA provider")
        .hasMessageContaining("run the GPU variant of the runtime image");
  }
}

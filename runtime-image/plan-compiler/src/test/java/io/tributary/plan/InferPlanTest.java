package io.tributary.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.ObjectStore;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SecretRefs;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.pipeline.transform.InferTransform;
import io.tributary.pipeline.transform.InferTransform.ExecutionProvider;
import io.tributary.pipeline.transform.ValidateTransform;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The infer step in the plan compiler: provider choice, defaults, checks, field flow. */
class InferPlanTest {
  private static final SourceSpec KAFKA_IN =
      SourceSpec.of(KafkaSource.of("kafka:9092", List.of("payments.tx")));
  private static final SinkSpec KAFKA_OUT = SinkSpec.of(KafkaSink.of("kafka:9092", "payments.out"));
  private static final PlanContext CONTEXT = PlanContext.of("payments", "fraud", "u-1");
  private static final SchemaSpec TX =
      Specs.schema("amount:number", "age:number", "risk:number", "email:string");

  private static PlanCompiler.Result compile(String accelerator, TransformSpec... steps) {
    return PlanCompiler.compile(
        PipelineDefinition.stream()
            .source(KAFKA_IN)
            .sink(KAFKA_OUT)
            .schema(TX)
            .transforms(List.of(steps))
            .accelerator(accelerator)
            .build(),
        CONTEXT);
  }

  @Test
  void aGpuPoolRunsTheModelOnCudaAndACpuPoolOnCpu() {
    PlanCompiler.Result gpu = compile("nvidia.com/gpu", Specs.infer("amount", "age", "risk"));
    assertThat(gpu.problems()).isEmpty();
    InferTransform onGpu = gpu.plan().transforms().get(0).infer();
    assertThat(onGpu.executionProvider()).isEqualTo(ExecutionProvider.CUDA);
    assertThat(onGpu.batchSize()).isEqualTo(64);
    assertThat(onGpu.maxWait()).isEqualTo("10ms");
    assertThat(gpu.plan().modelsDir()).isEqualTo(WorkerPlan.MODELS_DIR);

    PlanCompiler.Result cpu = compile(null, Specs.infer("amount", "age", "risk"));
    assertThat(cpu.problems()).isEmpty();
    assertThat(cpu.plan().transforms().get(0).infer().executionProvider())
        .isEqualTo(ExecutionProvider.CPU);
  }

  @Test
  void aPlanWithoutAnInferStepNamesNoModelsDirectory() {
    PlanCompiler.Result plain = compile(null, Specs.filter("amount > 1.0"));
    assertThat(plain.problems()).isEmpty();
    assertThat(plain.plan().modelsDir()).isNull();
  }

  @Test
  void cudaAskedForWithoutAGpuIsRefusedWithTheFix() {
    TransformSpec cuda =
        TransformSpec.of(
            Specs.infer("amount").infer().withExecutionProvider(ExecutionProvider.CUDA));
    assertThat(compile(null, cuda).problems())
        .extracting(PlanProblem::toString)
        .containsExactly(
            "transforms[0].infer.executionProvider: cuda needs a GPU: set"
                + " spec.compute.accelerator (type nvidia.com/gpu) and a pool that offers it, or"
                + " use cpu");
  }

  @Test
  void aCompiledPlanWithoutTheProviderIsIncomplete() {
    WorkerPlan plan = compile(null, Specs.infer("amount")).plan();
    TransformSpec bare =
        plan.transforms()
            .get(0)
            .withInfer(plan.transforms().get(0).infer().withExecutionProvider(null));
    WorkerPlan handWritten = plan.toBuilder().transforms(List.of(bare)).build();
    assertThat(PlanCompiler.problems(handWritten))
        .extracting(PlanProblem::path)
        .containsExactly("transforms[0].infer.executionProvider");
  }

  @Test
  void theMappingNamesFieldsTheRecordsHaveAndEachOutputOnce() {
    TransformSpec bad =
        TransformSpec.of(
            new InferTransform(
                InferTransform.Model.configMap("models", "m.onnx"),
                List.of(
                    new InferTransform.Input("x", List.of("amount", "amont")),
                    new InferTransform.Input("x", List.of("age"))),
                List.of(
                    new InferTransform.Output("y", "score"),
                    new InferTransform.Output("z", "score")),
                null,
                "soon",
                null));
    assertThat(PlanCheck.transforms(TX, List.of(bad), KAFKA_IN))
        .extracting(PlanProblem::toString)
        .containsExactly(
            "transforms[0].infer.inputs[0].fields[1]: records have no field 'amont' here; they"
                + " have amount, age, risk, email",
            "transforms[0].infer.inputs[1].tensor: input 'x' is listed twice",
            "transforms[0].infer.outputs[1].field: field 'score' is written twice",
            "transforms[0].infer.maxWait: 'soon' is not a duration: use e.g. 250ms, 30s, 5m,"
                + " 1h30m or 7d");
  }

  @Test
  void anObjectStoreModelNeedsItsStoreAndAnObjectKey() {
    assertThat(
            PlanCheck.transforms(
                TX, List.of(inferFrom(s3Model("s3://models/fraud.onnx", null))), KAFKA_IN))
        .extracting(PlanProblem::toString)
        .containsExactly(
            "transforms[0].infer.model.s3: set it with uri: the store's endpoint, region and"
                + " credentials (as sink.lake.s3)");
    assertThat(
            PlanCheck.transforms(TX, List.of(inferFrom(s3Model("s3://models/", STORE))), KAFKA_IN))
        .extracting(PlanProblem::toString)
        .containsExactly(
            "transforms[0].infer.model.uri: 's3://models/' is not s3://bucket/key: write the model"
                + " object's bucket (3-63 lower-case letters, digits, dots or dashes) and key");
    assertThat(
            PlanCheck.transforms(
                TX,
                List.of(
                    inferFrom(
                        new InferTransform.Model(
                            new InferTransform.ConfigMapFile("m", "m.onnx"), null, null, STORE))),
                KAFKA_IN))
        .extracting(PlanProblem::toString)
        .containsExactly(
            "transforms[0].infer.model.s3: only with uri (s3://bucket/key); remove it or set uri"
                + " instead");
    assertThat(
            PlanCheck.transforms(
                TX, List.of(inferFrom(s3Model("s3://models/fraud/v3.onnx", STORE))), KAFKA_IN))
        .isEmpty();
  }

  /** The plan carries the store's defaults, as for the lake's, and mounts its credentials. */
  @Test
  void anObjectStoreModelGetsTheStoreDefaultsAndItsCredentials() {
    PlanCompiler.Result result =
        compile(
            null,
            inferFrom(
                InferTransform.Model.s3(
                    "s3://models/fraud/v3.onnx",
                    new ObjectStore(
                        "http://s3.example.svc:8333",
                        null,
                        null,
                        new SecretKeyRef("s3", "id"),
                        new SecretKeyRef("s3", "secret")))));
    assertThat(result.problems()).isEmpty();
    WorkerPlan plan = result.plan();
    ObjectStore store = plan.transforms().get(0).infer().model().s3();
    assertThat(store.region()).isEqualTo("us-east-1");
    assertThat(store.pathStyle()).isFalse();
    assertThat(SecretRefs.collect(plan.source(), plan.transforms(), plan.sink()))
        .containsExactly(new SecretKeyRef("s3", "id"), new SecretKeyRef("s3", "secret"));
  }

  private static final ObjectStore STORE =
      new ObjectStore(
          "http://s3.example.svc:8333",
          "us-east-1",
          true,
          new SecretKeyRef("s3", "id"),
          new SecretKeyRef("s3", "secret"));

  private static InferTransform.Model s3Model(String uri, ObjectStore store) {
    return new InferTransform.Model(null, null, uri, store);
  }

  private static TransformSpec inferFrom(InferTransform.Model model) {
    return TransformSpec.of(
        new InferTransform(
            model,
            List.of(new InferTransform.Input("x", List.of("amount"))),
            List.of(new InferTransform.Output("y", "score")),
            null,
            null,
            null));
  }

  @Test
  void aClaimPathMustStayInsideTheVolume() {
    TransformSpec escape =
        TransformSpec.of(
            new InferTransform(
                InferTransform.Model.claim("models", "fraud/../../etc/passwd"),
                List.of(new InferTransform.Input("x", List.of("amount"))),
                List.of(new InferTransform.Output("y", "score")),
                null,
                null,
                null));
    assertThat(PlanCheck.transforms(TX, List.of(escape), KAFKA_IN))
        .extracting(PlanProblem::path)
        .containsExactly("transforms[0].infer.model.persistentVolumeClaim.path");
  }

  @Test
  void aValidateThatHaltsCannotFollowAnInferStep() {
    TransformSpec halt = TransformSpec.of(new ValidateTransform(ValidateTransform.OnInvalid.FAIL));
    assertThat(PlanCheck.transforms(TX, List.of(Specs.infer("amount"), halt), KAFKA_IN))
        .extracting(PlanProblem::toString)
        .containsExactly(
            "transforms[1].validate.onInvalid: fail is not possible after an infer step"
                + " (transforms[0]); move this validate step before it, or use deadLetter or"
                + " drop");
    assertThat(PlanCheck.transforms(TX, List.of(halt, Specs.infer("amount")), KAFKA_IN)).isEmpty();
  }

  @Test
  void laterStepsSeeTheScoreAndItIsAsClassifiedAsWhatTheModelRead() {
    SchemaSpec withPii = Specs.schema("amount:number", "age:number:personal");
    FieldFlow flow =
        FieldFlow.of(withPii, List.of(Specs.infer("amount", "age"), Specs.filter("score > 0.5")));
    assertThat(flow.after(0).visible()).containsExactly("amount", "age", "score");
    assertThat(flow.after(0).classified().get("score").source()).isEqualTo("age");
    assertThat(FieldFlow.of(TX, List.of(Specs.infer("amount"))).after(0).exposed("score")).isNull();
  }

  @Test
  void aRemoteModelGetsItsClientDefaultsAndNoExecutionProvider() {
    TransformSpec remote =
        TransformSpec.of(
            new InferTransform(
                null,
                List.of(new InferTransform.Input("x", List.of("amount"))),
                List.of(new InferTransform.Output("predict_proba", "p")),
                null,
                null,
                null,
                InferTransform.Remote.of("http://mlserver:8080", "fraud")));
    PlanCompiler.Result r = compile("nvidia.com/gpu", remote);
    assertThat(r.problems()).isEmpty();
    InferTransform infer = r.plan().transforms().get(0).infer();
    assertThat(infer.executionProvider()).isNull();
    assertThat(infer.remote())
        .isEqualTo(
            new InferTransform.Remote(
                "http://mlserver:8080",
                "fraud",
                null,
                InferTransform.Datatype.FP32,
                "2s",
                3,
                "100ms",
                5,
                "30s"));
    assertThat(r.plan().modelsDir()).isNull();
  }

  @Test
  void aStepIsEitherAModelOrARemoteServer() {
    TransformSpec both =
        TransformSpec.of(
            new InferTransform(
                InferTransform.Model.configMap("m", "m.onnx"),
                List.of(new InferTransform.Input("x", List.of("amount"))),
                List.of(new InferTransform.Output("y", "p")),
                null,
                null,
                null,
                new InferTransform.Remote(
                    "mlserver:8080", "fraud", null, null, "soon", null, null, null, null)));
    assertThat(PlanCheck.transforms(TX, List.of(both), KAFKA_IN))
        .extracting(PlanProblem::toString)
        .startsWith(
            "transforms[0].infer: set exactly one of model (ONNX in the worker) or remote (a"
                + " model server)");
    TransformSpec badRemote =
        TransformSpec.of(
            new InferTransform(
                null,
                List.of(new InferTransform.Input("x", List.of("amount"))),
                List.of(new InferTransform.Output("y", "p")),
                null,
                null,
                InferTransform.ExecutionProvider.CPU,
                new InferTransform.Remote(
                    "mlserver:8080", "fraud", null, null, "soon", null, null, null, null)));
    assertThat(PlanCheck.transforms(TX, List.of(badRemote), KAFKA_IN))
        .extracting(PlanProblem::toString)
        .containsExactly(
            "transforms[0].infer.remote.url: 'mlserver:8080' is not http(s)://host[:port][/path]",
            "transforms[0].infer.remote.timeout: 'soon' is not a duration: use e.g. 250ms, 30s,"
                + " 5m, 1h30m or 7d",
            "transforms[0].infer.executionProvider: only for model (in the worker); a remote"
                + " model server chooses its own hardware");
  }
}

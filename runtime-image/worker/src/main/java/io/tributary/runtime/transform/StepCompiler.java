package io.tributary.runtime.transform;

import io.tributary.pipeline.Durations;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.transform.DeriveTransform;
import io.tributary.pipeline.transform.InferTransform;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.plan.CelEnvironment;
import io.tributary.plan.FieldFlow;
import io.tributary.plan.KafkaEndpoint;
import io.tributary.plan.PlanCheck;
import io.tributary.runtime.Secrets;
import io.tributary.runtime.batch.SecretFiles;
import io.tributary.runtime.storage.ObjectStores;
import io.tributary.runtime.storage.S3Location;
import io.tributary.runtime.storage.S3Objects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one {@link TransformSpec} into a {@link Step}. The plan has passed {@link PlanCheck}, so
 * every setting a step needs is there and every expression compiles against the fields {@link
 * FieldFlow} says it sees; what is left here is what needs the worker: secret files, consent topics
 * and model files.
 */
final class StepCompiler {
  private final WorkerPlan plan;
  private final Secrets secrets;
  private final ConsentView.Factory consentViews;
  private final List<ConsentView> opened;
  private final FieldFlow flow;
  private final InferenceObserver inference;
  private final List<BatchModel> models;
  private final java.time.Clock clock;

  /**
   * @param opened receives the consent views opened (the chain closes them)
   * @param inference told which provider each infer step loaded its model on, and of each call
   * @param models receives the models loaded (the chain closes them)
   * @param clock the time of remote models' circuit breakers
   */
  StepCompiler(
      WorkerPlan plan,
      Secrets secrets,
      ConsentView.Factory consentViews,
      List<ConsentView> opened,
      InferenceObserver inference,
      List<BatchModel> models,
      java.time.Clock clock) {
    this.plan = plan;
    this.secrets = secrets;
    this.consentViews = consentViews;
    this.opened = opened;
    this.flow = FieldFlow.of(plan.schema(), plan.transforms());
    this.inference = inference;
    this.models = models;
    this.clock = clock;
  }

  /**
   * @throws IllegalArgumentException with the problem (a secret file); the caller adds the step
   */
  Step compile(int index, TransformSpec t) {
    return switch (t.kind()) {
      case "validate" -> new ValidateStep(plan.schema(), t.validate().onInvalid());
      case "filter" ->
          new FilterStep(
              cel(t.filter().expression(), flow.before(index), CelEnvironment.Result.BOOL));
      case "map" -> derive(index, t.map(), true);
      case "derive" -> derive(index, t.derive(), false);
      case "normalize" -> new NormalizeStep(t.normalize());
      case "dedupe" ->
          new DedupeStep(
              t.dedupe().keyFields(), Durations.parse(t.dedupe().window()), t.dedupe().maxKeys());
      case "mask" -> mask(t.mask());
      case "consent" -> consent(t);
      case "aggregate" -> new AggregateStep(t.aggregate(), Durations.parse(t.aggregate().window()));
      case "infer" -> infer(index, t);
      default -> throw new IllegalStateException("PlanCheck let a step without a kind through");
    };
  }

  private static CelExpression cel(
      String expression, FieldFlow.Fields fields, CelEnvironment.Result result) {
    return CelExpression.of(
        CelEnvironment.compile(expression, fields.visible(), result), fields.numbers());
  }

  private Step derive(int index, DeriveTransform spec, boolean projection) {
    List<DeriveStep.Field> fields = new ArrayList<>();
    for (int j = 0; j < spec.fields().size(); j++) {
      DeriveTransform.Field f = spec.fields().get(j);
      fields.add(
          new DeriveStep.Field(
              f.name(),
              cel(f.expression(), flow.seenByComputedField(index, j), CelEnvironment.Result.ANY)));
    }
    return new DeriveStep(fields, projection);
  }

  private Step mask(MaskTransform spec) {
    byte[] key = spec.keySecretRef() == null ? null : secrets.readBytes(spec.keySecretRef());
    return new MaskStep(spec, key);
  }

  /**
   * Loads the model from its volume, or from object storage into the worker's /tmp, on the plan's
   * execution provider and checks it against the mapping: a model whose inputs differ from the
   * mapping stops the worker, naming both.
   */
  private Step infer(int index, TransformSpec t) {
    InferTransform spec = t.infer();
    if (spec.remote() != null) {
      RemoteModel remote = RemoteModel.of(spec.remote(), clock);
      models.add(remote);
      inference.loaded(t.stepName(index), remote.provider());
      return new InferStep(
          t.stepName(index), remote, spec, Durations.parse(spec.maxWait()), inference);
    }
    Path file =
        spec.model().uri() != null
            ? download(t.stepName(index), index, spec.model())
            : Path.of(plan.modelsDir(), t.stepName(index), spec.model().file());
    OnnxModel model = OnnxModel.load(file, spec.executionProvider());
    models.add(model);
    model
        .mismatch(spec.inputs(), spec.outputs())
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException("model " + file + ": " + problem);
            });
    inference.loaded(t.stepName(index), model.provider());
    return new InferStep(
        t.stepName(index), model, spec, Durations.parse(spec.maxWait()), inference);
  }

  /**
   * Copies an {@code s3://} model into a directory of its own under the temporary directory (an
   * emptyDir in the pod) as the worker starts: the object is read whole before the model loads, so
   * a model replaced in the store meanwhile is never half old, half new.
   */
  private Path download(String step, int index, InferTransform.Model model) {
    String field = "transforms[" + index + "].infer.model.s3";
    S3Location at = S3Location.parse(model.uri());
    String name = at.key().substring(at.key().lastIndexOf('/') + 1);
    try (S3Objects store = ObjectStores.objects(model.s3(), new SecretFiles(secrets), field)) {
      Path dir =
          Files.createDirectories(
              Path.of(System.getProperty("java.io.tmpdir"), "tributary-models")
                  .resolve(step.replaceAll("[^-A-Za-z0-9_.]", "_")));
      Path file = dir.resolve(name.isEmpty() ? "model.onnx" : name);
      // Each loop thread compiles its own chain: a copy is renamed into place whole, so no thread
      // loads a file another is still writing.
      Path part = Files.createTempFile(dir, "download-", ".part");
      store.download(at, part);
      Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return file;
    } catch (IOException | RuntimeException e) {
      // RunFailure (the store's refusals, already naming the settings) is a RuntimeException.
      throw new IllegalArgumentException(
          "infer.model.uri: cannot read "
              + at
              + ": "
              + e.getMessage()
              + "; check the object, the bucket and "
              + field
              + " (endpoint, region, credentials)",
          e);
    }
  }

  private Step consent(TransformSpec t) {
    KafkaEndpoint cluster =
        KafkaEndpoint.consent(t.consent(), plan.source(), (ref, field) -> secrets.readString(ref));
    ConsentView view = consentViews.open(cluster, t.consent().topic());
    opened.add(view);
    return new ConsentStep(t.consent().purpose(), t.consent().subjectField(), view);
  }
}

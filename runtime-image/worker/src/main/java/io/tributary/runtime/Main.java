package io.tributary.runtime;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SecretRefs;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.plan.PlanCompiler;
import io.tributary.plan.PlanProblem;
import io.tributary.runtime.batch.BatchWorker;
import io.tributary.runtime.stream.StreamSettings;
import io.tributary.runtime.stream.StreamWorker;
import io.tributary.runtime.transform.TransformChain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The worker runtime's entry point: {@code run --plan <file>}, and for one index of a DataPipeline
 * run split into parts (an Indexed Job's pod), {@code run --plan <file> --part <index>}. One image
 * serves every StreamJob pod and every DataPipeline run; the plan's kind decides which engine runs.
 *
 * <p>The whole plan is checked before any record is read: first the static check the operator also
 * runs ({@link PlanCheck}: CEL, schemas, durations, step settings), then what only the worker can
 * see (secret files exist, the source and sink fit the kind). An invalid plan exits {@link
 * ExitCodes#INVALID_PLAN} with one line naming the plan file, the place in the plan (e.g. the step
 * index) and the problem; the line also goes to the termination log (as a run summary) so {@code
 * kubectl describe} shows it.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    boolean parted = args.length == 5 && "--part".equals(args[3]);
    if ((args.length != 3 && !parted) || !"run".equals(args[0]) || !"--plan".equals(args[1])) {
      return invalid("usage: tributary-worker run --plan <plan.json> [--part <index>]");
    }
    Integer part = null;
    if (parted) {
      try {
        part = Integer.parseInt(args[4]);
      } catch (NumberFormatException e) {
        return invalid("--part " + args[4] + ": not an index (the Indexed Job's completion index)");
      }
    }
    Path planPath = Path.of(args[2]);
    if (!Files.isReadable(planPath)) {
      return invalid("plan " + planPath + ": file not found or not readable");
    }
    WorkerPlan plan;
    try {
      plan = PlanJson.readPlan(planPath);
    } catch (RuntimeException e) {
      return invalid("plan " + planPath + ": " + describe(e));
    }
    try {
      Secrets secrets = check(plan);
      // Opens the consent views too; the engines compile their own chains again.
      TransformChain.compile(plan, secrets).close();
      return switch (plan.kind()) {
        case STREAM_JOB -> StreamWorker.run(StreamSettings.from(plan, secrets), plan, secrets);
        case DATA_PIPELINE -> BatchWorker.run(planPath, plan, part);
      };
    } catch (PlanException e) {
      return invalid("plan " + planPath + ": " + e.getMessage());
    }
  }

  /**
   * The start-up check, before anything connects anywhere. First the plan compiler's own check:
   * values missing, settings that do not fit the kind, CEL against the fields each step sees, step
   * settings; the operator ran it on this plan before rendering it, so both refuse the same things
   * with the same words. Then what only the worker can see: the mounted secret files, and for a
   * stream, that its settings fit together.
   *
   * @return the plan's secrets
   * @throws PlanException naming the place in the plan and the problem
   */
  static Secrets check(WorkerPlan plan) {
    List<PlanProblem> problems = PlanCompiler.problems(plan);
    if (!problems.isEmpty()) {
      throw PlanException.of(problems.get(0));
    }
    Secrets secrets = Secrets.fromPlan(plan);
    for (SecretKeyRef ref : SecretRefs.collect(plan.source(), plan.transforms(), plan.sink())) {
      try {
        secrets.readBytes(ref);
      } catch (IllegalArgumentException e) {
        throw PlanException.at("secret " + ref.name() + "/" + ref.key(), e.getMessage());
      }
    }
    if (plan.kind() == WorkerPlan.Kind.STREAM_JOB) {
      StreamSettings.from(plan, secrets);
    }
    return secrets;
  }

  /** Names the place in the plan of a JSON mapping error, e.g. {@code transforms[1].explode}. */
  static String describe(RuntimeException e) {
    if (!(e.getCause() instanceof JsonMappingException jm) || jm.getPath().isEmpty()) {
      return e.getMessage();
    }
    StringBuilder where = new StringBuilder();
    for (JsonMappingException.Reference ref : jm.getPath()) {
      if (ref.getFieldName() != null) {
        where.append(where.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        where.append('[').append(ref.getIndex()).append(']');
      }
    }
    if (jm instanceof UnrecognizedPropertyException u) {
      return where
          + ": unknown field '"
          + u.getPropertyName()
          + "' (this runtime knows "
          + u.getKnownPropertyIds()
          + ")";
    }
    return where + ": " + jm.getOriginalMessage();
  }

  /**
   * Prints one line (CEL errors span lines with a caret; fold them), reports it as a run summary in
   * the termination log so {@code kubectl describe} and the resource's status show it, and returns
   * INVALID_PLAN.
   */
  private static int invalid(String message) {
    String line = message.replaceAll("\\s*\\R\\s*", " | ");
    System.err.println(line);
    TerminationMessage.write(
        TerminationMessage.failure(null, false, line), TerminationMessage.path());
    return ExitCodes.INVALID_PLAN;
  }
}

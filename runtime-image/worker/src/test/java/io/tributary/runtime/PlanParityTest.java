package io.tributary.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.plan.PlanCompiler;
import io.tributary.plan.PlanProblem;
import io.tributary.runtime.testing.PlanParityCases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared plan check and the worker's real start-up ({@link Main#run} on a plan file) refuse the
 * same pipelines with the same line; the operator's side of the same table is
 * PipelineChecksParityTest. An accepted pipeline gets past every check of the plan's content and
 * stops at its (deliberately) missing Kafka credentials file, before connecting anywhere.
 */
class PlanParityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalErr;

  @BeforeEach
  void captureStderr() {
    originalErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreStderr() {
    System.setErr(originalErr);
  }

  static List<PlanParityCases.Case> cases() {
    return PlanParityCases.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theCheckAndTheWorkerStartUpSayTheSame(PlanParityCases.Case c) throws Exception {
    PlanCompiler.Result compiled = PlanParityCases.compile(c);
    List<PlanProblem> problems = compiled.problems();
    Path plan = writePlan(compiled.plan());

    int exit = Main.run(new String[] {"run", "--plan", plan.toString()});

    assertThat(exit).isEqualTo(ExitCodes.INVALID_PLAN);
    String line = err.toString(StandardCharsets.UTF_8).strip();
    if (c.refusal() == null) {
      assertThat(problems).isEmpty();
      // Past the plan's content: the first thing missing is the credentials file.
      assertThat(line)
          .startsWith("plan " + plan + ": secret kafka-auth/jaas: secret file ")
          .doesNotContain("CEL");
    } else {
      assertThat(problems).isNotEmpty();
      assertThat(problems.get(0).toString()).isEqualTo(c.refusal());
      assertThat(problems.get(0).kind().name().replace("_", ""))
          .isEqualToIgnoringCase(c.reason().name());
      assertThat(line).isEqualTo("plan " + plan + ": " + c.refusal());
    }
  }

  /** The compiled plan as the operator would mount it, with this test's secrets folder. */
  private Path writePlan(WorkerPlan compiled) throws Exception {
    WorkerPlan plan = compiled.toBuilder().secretsDir(dir.resolve("secrets").toString()).build();
    Path file = dir.resolve("plan.json");
    Files.writeString(file, PlanJson.write(plan));
    return file;
  }
}

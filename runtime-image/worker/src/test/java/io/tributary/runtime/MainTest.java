package io.tributary.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.plan.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invalid plans stop the worker before it touches Kafka: the bootstrap address is a closed port, so
 * a worker that got past validation would hang or fail differently.
 */
class MainTest {
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

  private Path plan(String kind, String transforms) throws Exception {
    Path p = dir.resolve("plan.json");
    Files.writeString(
        p,
        "{\"planVersion\":1,\"kind\":\""
            + kind
            + "\",\"pipeline\":{\"namespace\":\"ns\",\"name\":\"p\",\"uid\":\"u\"},"
            + "\"metricsPort\":0,\"secretsDir\":\""
            + dir.resolve("secrets")
            + "\",\"source\":{\"kafka\":{\"bootstrapServers\":\"127.0.0.1:1\",\"topics\":[\"in\"]}},"
            + "\"sink\":{\"kafka\":{\"bootstrapServers\":\"127.0.0.1:1\",\"topic\":\"out\"}},"
            + "\"transforms\":"
            + transforms
            + "}");
    return p;
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aCelErrorExitsInvalidPlanWithOneLineNamingPlanStepAndProblem() throws Exception {
    Path plan =
        plan(
            "StreamJob",
            "[{\"filter\":{\"expression\":\"true\"}},{\"filter\":{\"expression\":\"amount >\"}}]");
    assertThat(Main.run(new String[] {"run", "--plan", plan.toString()}))
        .isEqualTo(ExitCodes.INVALID_PLAN);
    assertThat(stderr().strip())
        .doesNotContain("\n")
        .startsWith("plan " + plan + ": transforms[1].filter.expression: CEL does not parse");
  }

  @Test
  void anUnknownTransformIsRefused() throws Exception {
    Path plan = dir.resolve("plan.json");
    Files.writeString(plan, Files.readString(plan("StreamJob", "[{\"explode\":{}}]")));
    assertThat(Main.run(new String[] {"run", "--plan", plan.toString()}))
        .isEqualTo(ExitCodes.INVALID_PLAN);
    assertThat(stderr().strip())
        .doesNotContain("\n")
        .startsWith("plan " + plan + ": transforms[0].explode: unknown field 'explode'");
  }

  @Test
  void aStepWithoutATransformIsRefusedAtItsIndex() throws Exception {
    Path plan = plan("StreamJob", "[{\"filter\":{\"expression\":\"true\"}},{\"name\":\"x\"}]");
    assertThat(Main.run(new String[] {"run", "--plan", plan.toString()}))
        .isEqualTo(ExitCodes.INVALID_PLAN);
    assertThat(stderr()).contains("plan " + plan + ": transforms[1]: no transform set");
  }

  @Test
  void aMissingSecretFileIsRefusedNamingTheFile() throws Exception {
    Path plan =
        plan(
            "StreamJob",
            "[{\"mask\":{\"keySecretRef\":{\"name\":\"mask-key\",\"key\":\"key\"},"
                + "\"fields\":[{\"field\":\"e\",\"method\":\"hmac\"}]}}]");
    assertThat(Main.run(new String[] {"run", "--plan", plan.toString()}))
        .isEqualTo(ExitCodes.INVALID_PLAN);
    assertThat(stderr())
        .contains("plan " + plan + ": transforms[0] (mask-0)")
        .contains(dir.resolve("secrets/mask-key/key").toString());
  }

  @Test
  void aMissingSourceSecretIsRefusedBeforeConnecting() throws Exception {
    Path plan = plan("StreamJob", "[]");
    Files.writeString(
        plan,
        Files.readString(plan)
            .replace(
                "\"topics\":[\"in\"]",
                "\"topics\":[\"in\"],\"saslJaasSecretRef\":{\"name\":\"kafka-auth\",\"key\":\"jaas\"}"));
    assertThat(Main.run(new String[] {"run", "--plan", plan.toString()}))
        .isEqualTo(ExitCodes.INVALID_PLAN);
    assertThat(stderr())
        .contains("plan " + plan + ": secret kafka-auth/jaas")
        .contains(dir.resolve("secrets/kafka-auth/jaas").toString());
  }

  @Test
  void anUnknownKindAndAMissingFileAreRefused() throws Exception {
    Path plan = plan("Nonsense", "[]");
    assertThat(Main.run(new String[] {"run", "--plan", plan.toString()}))
        .isEqualTo(ExitCodes.INVALID_PLAN);
    assertThat(stderr()).contains("kind 'Nonsense' is unknown");
    assertThat(Main.run(new String[] {"run", "--plan", dir.resolve("nope.json").toString()}))
        .isEqualTo(ExitCodes.INVALID_PLAN);
    assertThat(Main.run(new String[] {"go"})).isEqualTo(ExitCodes.INVALID_PLAN);
  }

  @Test
  void exactlyOnceAcrossTwoClustersIsRefused() throws Exception {
    Path plan = plan("StreamJob", "[]");
    Files.writeString(
        plan,
        Files.readString(plan).replace("\"127.0.0.1:1\",\"topic\"", "\"127.0.0.1:2\",\"topic\""));
    assertThat(Main.run(new String[] {"run", "--plan", plan.toString()}))
        .isEqualTo(ExitCodes.INVALID_PLAN);
    assertThat(stderr()).contains("sink.kafka.bootstrapServers");
  }
}

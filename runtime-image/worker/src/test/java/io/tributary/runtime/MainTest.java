package io.tributary.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.runtime.testing.TestPlans;
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

  /** A compiled plan whose brokers are a closed port. */
  private ObjectNode compiled(String kind, String transforms) {
    String partial =
        "{\"kind\":\""
            + kind
            + "\",\"pipeline\":{\"namespace\":\"ns\",\"name\":\"p\",\"uid\":\"u\"},"
            + "\"metricsPort\":0,\"secretsDir\":\""
            + dir.resolve("secrets")
            + "\",\"source\":{\"kafka\":{\"bootstrapServers\":\"127.0.0.1:1\",\"topics\":[\"in\"]}},"
            + "\"sink\":{\"kafka\":{\"bootstrapServers\":\"127.0.0.1:1\",\"topic\":\"out\"}},"
            + "\"transforms\":"
            + transforms
            + "}";
    return PlanJson.mapper().valueToTree(TestPlans.compile(partial));
  }

  private Path write(ObjectNode plan) throws Exception {
    Path p = dir.resolve("plan.json");
    Files.writeString(p, plan.toString());
    return p;
  }

  private Path plan(String kind, String transforms) throws Exception {
    return write(compiled(kind, transforms));
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
    ObjectNode p = compiled("StreamJob", "[]");
    p.withArray("transforms").addObject().putObject("explode");
    Path plan = write(p);
    assertThat(Main.run(new String[] {"run", "--plan", plan.toString()}))
        .isEqualTo(ExitCodes.INVALID_PLAN);
    assertThat(stderr().strip())
        .doesNotContain("\n")
        .startsWith("plan " + plan + ": transforms[0].explode: unknown field 'explode'");
  }

  @Test
  void aPlanMissingADefaultIsRefusedNamingThePath() throws Exception {
    ObjectNode p = compiled("StreamJob", "[{\"validate\":{}}]");
    p.remove("commitInterval");
    ((ObjectNode) p.withArray("transforms").get(0).get("validate")).remove("onInvalid");
    Path plan = write(p);
    assertThat(Main.run(new String[] {"run", "--plan", plan.toString()}))
        .isEqualTo(ExitCodes.INVALID_PLAN);
    assertThat(stderr().strip())
        .startsWith("plan " + plan + ": commitInterval: missing: the plan compiler fills");
  }

  @Test
  void aStepWithoutATransformIsRefusedAtItsIndex() throws Exception {
    ObjectNode p = compiled("StreamJob", "[{\"filter\":{\"expression\":\"true\"}}]");
    p.withArray("transforms").addObject().put("name", "x");
    Path plan = write(p);
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
        .contains("plan " + plan + ": secret mask-key/key: ")
        .contains(dir.resolve("secrets/mask-key/key").toString());
  }

  @Test
  void aMissingSourceSecretIsRefusedBeforeConnecting() throws Exception {
    ObjectNode p = compiled("StreamJob", "[]");
    ObjectNode ref = ((ObjectNode) p.get("source").get("kafka")).putObject("saslJaasSecretRef");
    ref.put("name", "kafka-auth").put("key", "jaas");
    Path plan = write(p);
    assertThat(Main.run(new String[] {"run", "--plan", plan.toString()}))
        .isEqualTo(ExitCodes.INVALID_PLAN);
    assertThat(stderr())
        .contains("plan " + plan + ": secret kafka-auth/jaas")
        .contains(dir.resolve("secrets/kafka-auth/jaas").toString());
  }

  @Test
  void anUnknownKindAndAMissingFileAreRefused() throws Exception {
    ObjectNode p = compiled("StreamJob", "[]");
    p.put("kind", "Nonsense");
    Path plan = write(p);
    assertThat(Main.run(new String[] {"run", "--plan", plan.toString()}))
        .isEqualTo(ExitCodes.INVALID_PLAN);
    assertThat(stderr()).contains("plan " + plan + ": kind: ");
    assertThat(Main.run(new String[] {"run", "--plan", dir.resolve("nope.json").toString()}))
        .isEqualTo(ExitCodes.INVALID_PLAN);
    assertThat(Main.run(new String[] {"go"})).isEqualTo(ExitCodes.INVALID_PLAN);
  }

  @Test
  void exactlyOnceAcrossTwoClustersIsRefused() throws Exception {
    ObjectNode p = compiled("StreamJob", "[]");
    ((ObjectNode) p.get("sink").get("kafka")).put("bootstrapServers", "127.0.0.1:2");
    Path plan = write(p);
    assertThat(Main.run(new String[] {"run", "--plan", plan.toString()}))
        .isEqualTo(ExitCodes.INVALID_PLAN);
    assertThat(stderr()).contains("sink.kafka.bootstrapServers");
  }
}

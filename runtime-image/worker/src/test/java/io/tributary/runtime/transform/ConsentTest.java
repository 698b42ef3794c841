package io.tributary.runtime.transform;

import static io.tributary.runtime.transform.Plans.plan;
import static io.tributary.runtime.transform.Plans.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.pipeline.kafka.KafkaSecurity;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.plan.KafkaEndpoint;
import io.tributary.runtime.PlanException;
import io.tributary.runtime.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka-backed view is covered end to end by StreamWorkerIT; here a fixed view. */
class ConsentTest {
  private static final Map<String, Set<String>> STATE =
      Map.of("c1", Set.of("fraud-detection", "marketing"), "c2", Set.of("marketing"));

  private static TransformChain consentChain() {
    ConsentView fixed =
        new ConsentView() {
          @Override
          public Set<String> purposes(String subject) {
            return STATE.getOrDefault(subject, Set.of());
          }

          @Override
          public void awaitCaughtUp(Duration timeout) {}

          @Override
          public void close() {}
        };
    return TransformChain.compile(
        plan(
            "[{\"consent\":{\"purpose\":\"fraud-detection\",\"subjectField\":\"customer\",\"topic\":\"consent\"}}]",
            null),
        Secrets.fromDir(Path.of("/nonexistent")),
        TransformChain.Options.defaults().withConsentViews((b, t) -> fixed));
  }

  @Test
  void keepsOnlySubjectsWhoConsentedToThePurpose() {
    TransformChain c = consentChain();
    assertThat(run(c, "{\"customer\":\"c1\"}")).hasSize(1);
    assertThat(run(c, "{\"customer\":\"c2\"}")).isEmpty();
    assertThat(run(c, "{\"customer\":\"unknown\"}")).isEmpty();
  }

  @Test
  void aRecordWithoutASubjectHasNoConsent() {
    TransformChain c = consentChain();
    assertThat(run(c, "{}")).isEmpty();
    assertThat(run(c, "{\"customer\":null}")).isEmpty();
    assertThat(run(c, "{\"customer\":[\"c1\"]}")).isEmpty();
  }

  @Test
  void consentDefaultsToTheSourceClusterAndNeedsOneOtherwise() throws Exception {
    KafkaEndpoint[] cluster = new KafkaEndpoint[1];
    TransformChain.compile(
            plan(
                "[{\"consent\":{\"purpose\":\"p\",\"subjectField\":\"s\",\"topic\":\"consent\"}}]",
                null),
            Secrets.fromDir(Path.of("/nonexistent")),
            TransformChain.Options.defaults()
                .withConsentViews(
                    (b, t) -> {
                      cluster[0] = b;
                      return new KafkaConsentView(b, t);
                    }))
        .close();
    assertThat(cluster[0]).isEqualTo(KafkaEndpoint.plain("127.0.0.1:9"));

    WorkerPlan files =
        PlanJson.readPlan(
            "{\"planVersion\":1,\"kind\":\"DataPipeline\",\"source\":{\"files\":"
                + "{\"path\":\"/x\",\"format\":\"jsonl\"}},\"transforms\":[{\"consent\":"
                + "{\"purpose\":\"p\",\"subjectField\":\"s\",\"topic\":\"consent\"}}]}");
    assertThatThrownBy(() -> TransformChain.compile(files, Secrets.fromDir(Path.of("/none"))))
        .isInstanceOf(PlanException.class)
        .hasMessage(
            "transforms[0].consent.bootstrapServers: is required when the source is not Kafka");
  }

  @Test
  void theConsentReaderUsesTheSourceCredentialsOnTheSourceCluster(@TempDir Path secrets)
      throws Exception {
    String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required;";
    Files.createDirectories(secrets.resolve("kafka-auth"));
    Files.writeString(secrets.resolve("kafka-auth/jaas"), jaas + "\n");
    WorkerPlan plan =
        PlanJson.readPlan(
            "{\"planVersion\":1,\"kind\":\"StreamJob\",\"source\":{\"kafka\":{"
                + "\"bootstrapServers\":\"10.0.0.1:9093\",\"topics\":[\"in\"],"
                + "\"saslJaasSecretRef\":{\"name\":\"kafka-auth\",\"key\":\"jaas\"}}},"
                + "\"transforms\":[{\"consent\":{\"purpose\":\"p\",\"subjectField\":\"s\","
                + "\"topic\":\"consent\"}}]}");
    KafkaEndpoint[] cluster = new KafkaEndpoint[1];
    TransformChain.compile(
            plan,
            Secrets.fromDir(secrets),
            TransformChain.Options.defaults()
                .withConsentViews(
                    (b, t) -> {
                      cluster[0] = b;
                      return new KafkaConsentView(b, t);
                    }))
        .close();
    assertThat(cluster[0])
        .isEqualTo(
            new KafkaEndpoint(
                "10.0.0.1:9093",
                KafkaSecurity.Protocol.SASL_SSL,
                null,
                new KafkaEndpoint.Sasl("PLAIN", jaas)));
  }
}

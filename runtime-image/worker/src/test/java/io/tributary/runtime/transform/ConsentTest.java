package io.tributary.runtime.transform;

import static io.tributary.runtime.transform.Plans.plan;
import static io.tributary.runtime.transform.Plans.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.runtime.Secrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

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
  void consentDefaultsToTheSourceClusterAndNeedsOneOtherwise() {
    String[] bootstrap = new String[1];
    TransformChain.compile(
            plan(
                "[{\"consent\":{\"purpose\":\"p\",\"subjectField\":\"s\",\"topic\":\"consent\"}}]",
                null),
            Secrets.fromDir(Path.of("/nonexistent")),
            TransformChain.Options.defaults()
                .withConsentViews(
                    (b, t) -> {
                      bootstrap[0] = b;
                      return new KafkaConsentView(b, t);
                    }))
        .close();
    assertThat(bootstrap[0]).isEqualTo("127.0.0.1:9");
  }
}

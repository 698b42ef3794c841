package io.tributary.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.policy.SecretPolicy.Seen;
import io.tributary.operator.status.Conditions.Reason;
import io.tributary.pipeline.SecretKeyRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Only Secrets the platform labelled for pipelines may be referenced. */
class SecretPolicyTest {
  private static final SecretKeyRef DB = new SecretKeyRef("crm-db", "password");
  private static final SecretKeyRef MASK = new SecretKeyRef("masking-key", "hmac");

  @Test
  void referencesToOptedInSecretsPass() {
    assertThat(
            SecretPolicy.check(
                "analytics",
                List.of(DB, MASK),
                Map.of("crm-db", Seen.OPTED_IN, "masking-key", Seen.OPTED_IN)))
        .isEmpty();
    assertThat(SecretPolicy.check("analytics", List.of(), Map.of())).isEmpty();
  }

  @Test
  void aSecretWithoutTheLabelIsRefusedNamingItAndTheFix() {
    var problem =
        SecretPolicy.check(
                "analytics",
                List.of(DB, MASK),
                Map.of("crm-db", Seen.OPTED_IN, "masking-key", Seen.NOT_OPTED_IN))
            .orElseThrow();
    assertThat(problem.reason()).isEqualTo(Reason.SecretNotAllowed);
    assertThat(problem.message())
        .isEqualTo(
            "Secret masking-key (key hmac) is not open to pipelines: label it"
                + " tributary.io/pipeline-secret=true (platform team: kubectl label secret"
                + " masking-key -n analytics tributary.io/pipeline-secret=true) or reference a"
                + " Secret that has it");
  }

  @Test
  void aMissingSecretIsRefusedSayingItDoesNotExist() {
    var problem = SecretPolicy.check("analytics", List.of(DB), Map.of()).orElseThrow();
    assertThat(problem.reason()).isEqualTo(Reason.SecretNotAllowed);
    assertThat(problem.message())
        .startsWith(
            "Secret crm-db (key password) does not exist in namespace analytics: create it");
  }

  @Test
  void aRefusalIsNotOneThatStopsRunningWorkers() {
    var problem = SecretPolicy.check("analytics", List.of(DB), Map.of()).orElseThrow();
    assertThat(PipelineChecks.stopsWorkers(problem)).isFalse();
  }
}

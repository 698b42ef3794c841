package io.tributary.operator.policy;

import io.tributary.operator.status.Conditions.Reason;
import io.tributary.pipeline.SecretKeyRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pipeline may use only the Secrets the platform team opened to pipelines, by labelling them
 * {@value #LABEL}{@code : "true"}: otherwise any author could send any Secret of the namespace (a
 * service account token, another team's database password) to a server of their choosing. Pure: the
 * operator reads the labels (docs/security.md, "Secrets").
 */
public final class SecretPolicy {
  /** The label that opens a Secret to pipelines of its namespace. */
  public static final String LABEL = "tributary.io/pipeline-secret";

  private SecretPolicy() {}

  /** What the operator knows of a referenced Secret. */
  public enum Seen {
    ABSENT,
    NOT_OPTED_IN,
    OPTED_IN
  }

  /**
   * @param refs every Secret key the pipeline references
   * @param seen what the operator found for each referenced Secret name
   */
  public static Optional<PipelineChecks.Problem> check(
      String namespace, List<SecretKeyRef> refs, Map<String, Seen> seen) {
    for (SecretKeyRef ref : refs) {
      Seen s = seen.getOrDefault(ref.name(), Seen.ABSENT);
      if (s == Seen.OPTED_IN) continue;
      String fix =
          "label it "
              + LABEL
              + "=true (platform team: kubectl label secret "
              + ref.name()
              + " -n "
              + namespace
              + " "
              + LABEL
              + "=true) or reference a Secret that has it";
      String what =
          s == Seen.ABSENT
              ? "Secret "
                  + ref.name()
                  + " (key "
                  + ref.key()
                  + ") does not exist in namespace "
                  + namespace
                  + ": create it and "
                  + fix
              : "Secret "
                  + ref.name()
                  + " (key "
                  + ref.key()
                  + ") is not open to pipelines: "
                  + fix;
      return Optional.of(new PipelineChecks.Problem(Reason.SecretNotAllowed, what));
    }
    return Optional.empty();
  }
}

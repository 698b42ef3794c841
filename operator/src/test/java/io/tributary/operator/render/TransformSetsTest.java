package io.tributary.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.StreamJobSpec;
import io.tributary.operator.api.TransformSetSpec;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.testing.Golden;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.transform.FilterTransform;
import io.tributary.pipeline.transform.TransformSetRef;
import io.tributary.plan.PlanCompiler;
import io.tributary.plan.PlanProblem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Inlining TransformSets into a pipeline's chain, and naming problems back. */
class TransformSetsTest {
  private static final OperatorConfig CONFIG = OperatorConfig.defaults();

  private static final TransformSetSpec CLEANING =
      set(
          """
          description: masks cards, keeps positive amounts
          transforms:
            - name: positive
              filter: {expression: "amount > 0.0"}
            - mask:
                keySecretRef: {name: masking-key, key: hmac}
                fields:
                  - {field: card_number, method: keepLast, keep: 4}
                  - {field: customer_email, method: hmac}
          """);

  @Test
  void theFraudJobWithItsCleaningInASetCompilesToTheSamePlanBesidesTheStepNames() {
    StreamJob inline = Golden.fixture("fraud-streamjob.yaml", StreamJob.class);
    StreamJob withSet = withCleaningInASet(Golden.fixture("fraud-streamjob.yaml", StreamJob.class));

    PlanCompiler.Result plan = PlanRenderer.stream(withSet, Map.of("cleaning", CLEANING), CONFIG);

    assertThat(plan.problems()).isEmpty();
    assertThat(plan.plan().transforms())
        .extracting(TransformSpec::name)
        .containsExactly("validate-0", "cleaning/positive", "cleaning/mask-1", "derive-2");
    // Same steps as the job that writes them inline.
    assertThat(withoutNames(plan.plan().transforms()))
        .isEqualTo(withoutNames(PlanRenderer.stream(inline, CONFIG).plan().transforms()));
    Golden.assertJson(
        "TransformSetsTest.fraudJobWithItsCleaningInASet", PlanJson.write(plan.plan()));
  }

  @Test
  void aProblemInASetsStepNamesTheEntryTheSetAndTheStep() {
    StreamJob job = withCleaningInASet(Golden.fixture("fraud-streamjob.yaml", StreamJob.class));
    TransformSetSpec typo =
        set(
            """
            transforms:
              - filter: {expression: "amont > 0.0"}
              - mask:
                  keySecretRef: {name: masking-key, key: hmac}
                  fields:
                    - {field: card_number, method: keepLast, keep: 4}
                    - {field: customer_email, method: hmac}
            """);

    List<PlanProblem> problems =
        PlanRenderer.stream(job, Map.of("cleaning", typo), CONFIG).problems();

    assertThat(problems)
        .first()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("transforms[1]");
              assertThat(p.message())
                  .startsWith(
                      "TransformSet cleaning spec.transforms[0].filter.expression: CEL refers to"
                          + " 'amont'");
              assertThat(p.kind()).isEqualTo(PlanProblem.Kind.INVALID_EXPRESSION);
            });
  }

  @Test
  void theOwnStepsAfterASetKeepTheirPlaceInTheSpec() {
    List<TransformSpec> spec =
        List.of(
            TransformSpec.of(new TransformSetRef("cleaning")),
            TransformSpec.of(new FilterTransform("amont > 1.0")));
    TransformSets.Inlined inlined = TransformSets.inline(spec, Map.of("cleaning", CLEANING));

    assertThat(inlined.steps())
        .extracting(TransformSpec::name)
        .containsExactly("cleaning/positive", "cleaning/mask-1", "filter-1");
    assertThat(
            inlined.inSpecTerms(
                List.of(
                    new PlanProblem(
                        "transforms[2].filter.expression",
                        "bad",
                        PlanProblem.Kind.INVALID_EXPRESSION))))
        .containsExactly(
            new PlanProblem(
                "transforms[1].filter.expression", "bad", PlanProblem.Kind.INVALID_EXPRESSION));
  }

  /** The endpoint catalog names the compiled chain's fields; they are named back the same way. */
  @Test
  void aFieldOfTheChainIsNamedAsAPlaceInTheSpecAndTheSet() {
    List<TransformSpec> spec =
        List.of(
            TransformSpec.of(new FilterTransform("true")),
            TransformSpec.of(new TransformSetRef("cleaning")),
            TransformSpec.of(new FilterTransform("true")));
    TransformSets.Inlined inlined = TransformSets.inline(spec, Map.of("cleaning", CLEANING));

    assertThat(inlined.fieldInSpecTerms("spec.transforms[2].consent.bootstrapServers"))
        .isEqualTo(
            "spec.transforms[1]: TransformSet cleaning spec.transforms[1].consent.bootstrapServers");
    assertThat(inlined.fieldInSpecTerms("spec.transforms[3].filter.expression"))
        .isEqualTo("spec.transforms[2].filter.expression");
    assertThat(inlined.fieldInSpecTerms("spec.transforms[0]")).isEqualTo("spec.transforms[0]");
    assertThat(inlined.fieldInSpecTerms("spec.source.kafka.bootstrapServers"))
        .isEqualTo("spec.source.kafka.bootstrapServers");
  }

  @Test
  void aMissingSetStaysAReferenceAndIsNamedWithTheFix() {
    List<TransformSpec> spec =
        List.of(
            TransformSpec.of(new FilterTransform("true")),
            TransformSpec.of(new TransformSetRef("cleaning")));

    assertThat(TransformSets.inline(spec, Map.of()).steps().get(1).transformSet().name())
        .isEqualTo("cleaning");
    assertThat(TransformSets.missing(spec, Map.of(), "payments"))
        .isEqualTo(
            "spec.transforms[1].transformSet.name: TransformSet cleaning does not exist in"
                + " namespace payments; create it (kubectl get transformsets -n payments lists"
                + " those there) or fix the name");
    assertThat(TransformSets.missing(spec, Map.of("cleaning", CLEANING), "payments")).isNull();
    assertThat(TransformSets.referenced(spec)).containsExactly("cleaning");
  }

  @Test
  void theRevisionFollowsTheStepsNotTheDescription() {
    TransformSetSpec described = new TransformSetSpec("another description", CLEANING.transforms());
    TransformSetSpec changed =
        new TransformSetSpec(
            CLEANING.description(), List.of(TransformSpec.of(new FilterTransform("amount > 1.0"))));

    assertThat(TransformSets.revision(CLEANING)).hasSize(12);
    assertThat(TransformSets.revision(described)).isEqualTo(TransformSets.revision(CLEANING));
    assertThat(TransformSets.revision(changed)).isNotEqualTo(TransformSets.revision(CLEANING));
  }

  /**
   * The fraud job of the fixtures with its filter and mask steps replaced by a reference to set
   * cleaning: validate, transformSet cleaning, derive.
   */
  private static StreamJob withCleaningInASet(StreamJob job) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode spec = json.valueToTree(job.getSpec());
    ArrayNode steps = (ArrayNode) spec.get("transforms");
    steps.remove(2); // mask
    steps.remove(1); // filter
    steps.insert(
        1,
        json.createObjectNode()
            .set("transformSet", json.createObjectNode().put("name", "cleaning")));
    job.setSpec(json.convertValue(spec, StreamJobSpec.class));
    assertThat(job.getSpec().transforms())
        .extracting(TransformSpec::kind)
        .containsExactly("validate", "transformSet", "derive");
    return job;
  }

  private static List<TransformSpec> withoutNames(List<TransformSpec> steps) {
    return steps.stream().map(t -> t.withName(null)).toList();
  }

  private static TransformSetSpec set(String yaml) {
    return Serialization.unmarshal(yaml, TransformSetSpec.class);
  }
}

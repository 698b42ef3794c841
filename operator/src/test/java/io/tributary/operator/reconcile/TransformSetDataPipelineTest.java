package io.tributary.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tributary.operator.api.TransformSet;
import io.tributary.operator.schedule.RunIds;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.WorkerPlan;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A DataPipeline naming a TransformSet: each run's plan holds the set's steps as they were when the
 * run started, so a change of the set reaches the next run, and not the one already running.
 */
class TransformSetDataPipelineTest extends DataPipelineTestBase {
  @Test
  void theNextRunUsesTheChangedSet() {
    createSet("amount > 0.0");
    create(
        "orders",
        String.join(
            "\n",
            "transforms:",
            "    - transformSet: {name: cleaning}",
            "  schema: {fields: [{name: amount, type: number}]}"));
    Job first = awaitJob("orders-g1-1");
    assertThat(filterOf(runPlan(first))).isEqualTo("cleaning/positive=amount > 0.0");
    succeed(first, 10, 10, null);

    TransformSet changed = set("amount > 10.0");
    // As a user would: a conflict with the operator's status write is retried.
    await()
        .ignoreException(KubernetesClientException.class)
        .until(
            () -> {
              cluster
                  .client()
                  .resources(TransformSet.class)
                  .inNamespace(NS)
                  .withName("cleaning")
                  .edit(
                      s -> {
                        s.setSpec(changed.getSpec());
                        return s;
                      });
              return true;
            });
    edit("orders", p -> p.getMetadata().setAnnotations(Map.of("tributary.io/run-now", "again")));

    Job next = awaitJob("orders-" + RunIds.runNow("again") + "-1");
    assertThat(filterOf(runPlan(next))).isEqualTo("cleaning/positive=amount > 10.0");
    // The first run's plan is what it ran with.
    assertThat(filterOf(runPlan(first))).isEqualTo("cleaning/positive=amount > 0.0");
  }

  @Test
  void aSetThatLeavesPersonalDataUnmaskedIsRefusedOnThePipeline() {
    createSet("amount > 0.0");
    create(
        "contacts",
        String.join(
            "\n",
            "transforms:",
            "    - transformSet: {name: cleaning}",
            "  schema: {fields: [{name: amount, type: number}, {name: email, type: string,"
                + " classification: personal}]}"));
    // The pipeline's own steps mask nothing and the set's do not either: the personal-data check
    // runs on the whole chain.
    expectInvalid("contacts", "UnmaskedPersonalData", "email");
  }

  private void createSet(String filter) {
    cluster.client().resource(set(filter)).create();
  }

  private static TransformSet set(String filter) {
    return Serialization.unmarshal(
        String.join(
            "\n",
            "apiVersion: tributary.io/v1alpha1",
            "kind: TransformSet",
            "metadata: {name: cleaning, namespace: " + NS + "}",
            "spec:",
            "  transforms:",
            "    - name: positive",
            "      filter: {expression: \"" + filter + "\"}",
            ""),
        TransformSet.class);
  }

  private static String filterOf(WorkerPlan plan) {
    TransformSpec step =
        plan.transforms().stream().filter(t -> t.filter() != null).findFirst().orElseThrow();
    return step.name() + "=" + step.filter().expression();
  }
}

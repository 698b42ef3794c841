package io.tributary.operator.status;

import io.tributary.operator.api.Condition;
import io.tributary.operator.api.TransformSet;
import io.tributary.operator.api.TransformSetStatus;
import io.tributary.operator.api.TransformSetUser;
import io.tributary.operator.policy.PipelineChecks;
import io.tributary.operator.render.TransformSets;
import io.tributary.operator.status.Conditions.Reason;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** TransformSet status: its revision, the pipelines naming it, and whether its steps are valid. */
public final class TransformSetStatuses {
  /** The most pipelines status.usedBy lists; status.usedByCount counts them all. */
  public static final int MAX_USERS = 200;

  private TransformSetStatuses() {}

  /**
   * @param users the pipelines of the set's namespace naming it, in any order
   * @param problem the first problem of its steps ({@code TransformSetChecks}), if any
   */
  public static TransformSetStatus of(
      TransformSet set,
      List<TransformSetUser> users,
      Optional<PipelineChecks.Problem> problem,
      Instant now) {
    long gen = set.getMetadata().getGeneration() == null ? 0 : set.getMetadata().getGeneration();
    int steps =
        set.getSpec() == null || set.getSpec().transforms() == null
            ? 0
            : set.getSpec().transforms().size();
    Condition ready =
        problem
            .map(p -> Conditions.of(Conditions.READY, false, p.reason(), p.message(), gen))
            .orElseGet(
                () ->
                    Conditions.of(
                        Conditions.READY,
                        true,
                        Reason.StepsValid,
                        steps
                            + " step(s) pass the checks every pipeline makes; each pipeline naming"
                            + " the set also checks them against its own fields",
                        gen));
    List<TransformSetUser> sorted =
        users.stream()
            .sorted(
                Comparator.comparing(TransformSetUser::kind).thenComparing(TransformSetUser::name))
            .toList();
    return new TransformSetStatus(
        gen,
        Conditions.merge(
            set.getStatus() == null ? null : set.getStatus().conditions(), List.of(ready), now),
        TransformSets.revision(set.getSpec()),
        steps,
        sorted.size() > MAX_USERS ? sorted.subList(0, MAX_USERS) : sorted,
        sorted.size());
  }
}

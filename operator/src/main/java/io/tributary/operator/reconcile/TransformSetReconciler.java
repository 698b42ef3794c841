package io.tributary.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.tributary.operator.api.Condition;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.PipelineSpec;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.TransformSet;
import io.tributary.operator.api.TransformSetStatus;
import io.tributary.operator.api.TransformSetUser;
import io.tributary.operator.metrics.OperatorMetrics;
import io.tributary.operator.policy.PipelineChecks;
import io.tributary.operator.policy.TransformSetChecks;
import io.tributary.operator.render.TransformSets;
import io.tributary.operator.status.Conditions;
import io.tributary.operator.status.TransformSetStatuses;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * TransformSet: checks its steps and reports its revision and the pipelines naming it. Rolling a
 * change out is the pipeline reconcilers' part: they watch the sets they name ({@link
 * Watches#transformSets}). The pipelines come from informer caches of both kinds, so a pipeline
 * that starts or stops naming the set updates status.usedBy.
 */
@ControllerConfiguration(name = "transformset")
public class TransformSetReconciler implements Reconciler<TransformSet> {
  static final String STREAM_JOBS = "streamjobs";
  static final String DATA_PIPELINES = "datapipelines";

  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final Clock clock;

  public TransformSetReconciler(EventRecorder events, OperatorMetrics metrics, Clock clock) {
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, TransformSet>> prepareEventSources(
      EventSourceContext<TransformSet> context) {
    return List.of(
        users(context, StreamJob.class, STREAM_JOBS),
        users(context, DataPipeline.class, DATA_PIPELINES));
  }

  /**
   * Pipelines of one kind. A change of one maps to every set of its namespace, not only those it
   * names now: a set it stopped naming must drop it from usedBy.
   */
  private static <P extends HasMetadata> InformerEventSource<P, TransformSet> users(
      EventSourceContext<TransformSet> context, Class<P> kind, String name) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(kind, TransformSet.class)
            .withName(name)
            .withOnUpdateFilter(
                (now, before) ->
                    !Objects.equals(
                        now.getMetadata().getGeneration(), before.getMetadata().getGeneration()))
            .withSecondaryToPrimaryMapper(
                p ->
                    context
                        .getPrimaryCache()
                        .list(p.getMetadata().getNamespace())
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build(),
        context);
  }

  @Override
  public UpdateControl<TransformSet> reconcile(TransformSet set, Context<TransformSet> context) {
    List<TransformSetUser> users = new ArrayList<>();
    users.addAll(users(context, set, StreamJob.class, STREAM_JOBS, StreamJob::getSpec));
    users.addAll(users(context, set, DataPipeline.class, DATA_PIPELINES, DataPipeline::getSpec));
    Optional<PipelineChecks.Problem> problem = TransformSetChecks.check(set.getSpec());
    TransformSetStatus status = TransformSetStatuses.of(set, users, problem, clock.instant());
    metrics.resources().conditions(set, status.conditions());
    metrics.resources().refused(set, problem.map(PipelineChecks.Problem::reason).orElse(null));
    if (status.equals(set.getStatus())) return UpdateControl.noUpdate();
    Condition before =
        set.getStatus() == null ? null : Conditions.find(set.getStatus().conditions(), "Ready");
    problem
        .filter(p -> before == null || !p.reason().name().equals(before.reason()))
        .ifPresent(p -> events.warning(set, p.reason().name(), p.message()));
    PrimaryStatus.write(
        set,
        fresh(set, status),
        s -> {
          s.setStatus(status);
          return s;
        },
        context);
    return UpdateControl.noUpdate();
  }

  /** The pipelines of one kind in the set's namespace that name it, from the informer cache. */
  @SuppressWarnings("unchecked")
  private static <P extends HasMetadata> List<TransformSetUser> users(
      Context<TransformSet> context,
      TransformSet set,
      Class<P> kind,
      String source,
      Function<P, PipelineSpec> specOf) {
    var cache =
        (InformerEventSource<P, TransformSet>)
            context.eventSourceRetriever().getEventSourceFor(kind, source);
    String name = set.getMetadata().getName();
    return cache
        .list(
            set.getMetadata().getNamespace(),
            p ->
                specOf.apply(p) != null
                    && TransformSets.referenced(specOf.apply(p).transforms()).contains(name))
        .map(p -> new TransformSetUser(p.getKind(), p.getMetadata().getName()))
        .toList();
  }

  /** Status as intent: a fresh object with only what identifies it and the new status. */
  private static TransformSet fresh(TransformSet set, TransformSetStatus status) {
    TransformSet patch = new TransformSet();
    patch.getMetadata().setName(set.getMetadata().getName());
    patch.getMetadata().setNamespace(set.getMetadata().getNamespace());
    patch.setStatus(status);
    return patch;
  }
}

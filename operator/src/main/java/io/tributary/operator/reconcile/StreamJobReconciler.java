package io.tributary.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.StreamJobSpec;
import io.tributary.operator.api.StreamJobStatus;
import io.tributary.operator.autoscale.LagAutoscaler;
import io.tributary.operator.autoscale.LagSource;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.policy.PipelineChecks;
import io.tributary.operator.policy.ResidencyPolicy;
import io.tributary.operator.render.Labels;
import io.tributary.operator.render.Names;
import io.tributary.operator.render.PlanRenderer;
import io.tributary.operator.render.StreamJobRenderer;
import io.tributary.operator.status.StreamJobStatuses;
import io.tributary.pipeline.Durations;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.plan.KafkaEndpoint;
import io.tributary.plan.PlanCompiler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** StreamJob: observe, check, render, apply, report. */
@ControllerConfiguration(name = "streamjob")
public class StreamJobReconciler implements Reconciler<StreamJob> {
  static final long DEFAULT_TARGET_LAG = 1000;
  static final Duration DEFAULT_STABILIZATION = Duration.ofMinutes(5);
  private static final Logger log = LoggerFactory.getLogger(StreamJobReconciler.class);
  private final OperatorConfig config;
  private final Applier applier;
  private final EventRecorder events;
  private final Clock clock;
  private final LagSource lagSource;
  private final Map<ResourceID, LagAutoscaler> autoscalers = new ConcurrentHashMap<>();
  private final SecretLookup secrets;

  public StreamJobReconciler(
      OperatorConfig config,
      Applier applier,
      EventRecorder events,
      Clock clock,
      LagSource lagSource) {
    this.config = config;
    this.applier = applier;
    this.events = events;
    this.clock = clock;
    this.lagSource = lagSource;
    this.secrets = new SecretLookup(clock);
  }

  @Override
  public List<EventSource<?, StreamJob>> prepareEventSources(
      EventSourceContext<StreamJob> context) {
    var deployments =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Deployment.class, StreamJob.class)
                .withLabelSelector(
                    Labels.selectorString(
                        java.util.Map.of(
                            io.tributary.operator.api.Groups.LABEL_KIND,
                            StreamJobRenderer.KIND_LABEL)))
                .build(),
            context);
    return List.of(
        deployments,
        Watches.pools(context, StreamJob.class, j -> pool(j.getSpec())),
        Watches.namespaces(context, StreamJob.class));
  }

  @Override
  public UpdateControl<StreamJob> reconcile(StreamJob job, Context<StreamJob> context) {
    StreamJobSpec spec = job.getSpec();
    String namespaceRegion = Watches.namespaceRegion(context, job);
    Optional<String> region = ResidencyPolicy.effectiveRegion(spec.residency(), namespaceRegion);
    String poolName = pool(spec);
    ComputePoolSpec pool = poolName == null ? null : Watches.poolSpec(context, poolName);
    PlanCompiler.Result plan = PlanRenderer.stream(job, config);
    Optional<PipelineChecks.Problem> problem =
        PipelineChecks.check(
                spec.source(),
                spec.transforms(),
                spec.sink(),
                spec.schema(),
                spec.compute(),
                pool,
                region)
            .or(() -> PipelineChecks.plan(plan.problems()));
    if (problem.isPresent()) {
      // Stop the workers: a residency violation must not keep moving data while someone fixes it.
      context
          .getSecondaryResource(Deployment.class)
          .ifPresent(d -> context.getClient().resource(d).delete());
      StreamJobStatus status = StreamJobStatuses.invalid(job, problem.get(), clock.instant());
      return statusUpdate(job, status, problem.get());
    }
    LagSource.Lag lag = readLag(job, plan.plan(), context);
    int replicas =
        desiredReplicas(job, lag, context.getSecondaryResource(Deployment.class).orElse(null));
    List<HasMetadata> desired =
        StreamJobRenderer.render(job, plan.plan(), replicas, pool, region, config);
    for (HasMetadata object : desired) {
      HasMetadata observed =
          object instanceof Deployment
              ? context.getSecondaryResource(Deployment.class).orElse(null)
              : applier.read(object);
      applier.apply(object, observed);
    }
    Deployment deployment = context.getSecondaryResource(Deployment.class).orElse(null);
    StreamJobStatus status =
        StreamJobStatuses.running(
            job,
            replicas,
            deployment,
            Labels.selectorString(
                Labels.selector(StreamJobRenderer.KIND_LABEL, job.getMetadata().getName())),
            Names.worker(job.getMetadata().getName()),
            lag == null ? null : lag.lag(),
            clock.instant());
    UpdateControl<StreamJob> control = statusUpdate(job, status, null);
    // Lag moves without any Kubernetes event: look again soon.
    return control.rescheduleAfter(config.lagPoll());
  }

  @Override
  public ErrorStatusUpdateControl<StreamJob> updateErrorStatus(
      StreamJob job, Context<StreamJob> context, Exception e) {
    StreamJobStatus status = StreamJobStatuses.error(job, e, clock.instant());
    if (status.equals(job.getStatus())) return ErrorStatusUpdateControl.noStatusUpdate();
    return ErrorStatusUpdateControl.patchStatus(fresh(job, status));
  }

  /**
   * Workers wanted: 0 when suspended; with autoscaling, what the lag says within the bounds;
   * otherwise spec.replicas (default 1), which kubectl scale, an HPA or KEDA set.
   */
  private int desiredReplicas(StreamJob job, LagSource.Lag lag, Deployment deployment) {
    StreamJobSpec spec = job.getSpec();
    if (Boolean.TRUE.equals(spec.suspend())) return 0;
    int fromSpec = spec.replicas() != null ? spec.replicas() : 1;
    StreamJobSpec.Autoscaling a = spec.autoscaling();
    if (a == null) return fromSpec;
    int current =
        deployment != null && deployment.getSpec().getReplicas() != null
            ? deployment.getSpec().getReplicas()
            : Math.max(a.minReplicas(), Math.min(a.maxReplicas(), fromSpec));
    if (lag == null) return Math.max(a.minReplicas(), Math.min(a.maxReplicas(), current));
    var bounds =
        new LagAutoscaler.Bounds(
            a.minReplicas(),
            a.maxReplicas(),
            a.targetLagPerReplica() != null ? a.targetLagPerReplica() : DEFAULT_TARGET_LAG,
            Durations.parseOr(a.scaleDownStabilization(), DEFAULT_STABILIZATION));
    var decision =
        autoscalers
            .computeIfAbsent(ResourceID.fromResource(job), id -> new LagAutoscaler())
            .decide(current, lag.lag(), lag.partitions(), bounds, clock.instant());
    if (decision.replicas() != current) {
      log.info(
          "scaling {} from {} to {}: {}",
          job.getMetadata().getName(),
          current,
          decision.replicas(),
          decision.reason());
      events.normal(
          job,
          "Scaled",
          "from " + current + " to " + decision.replicas() + " workers: " + decision.reason());
    }
    return decision.replicas();
  }

  /**
   * Total consumer-group lag, or null when the brokers cannot be asked right now. The group is the
   * plan's; the source's credentials come from the Secret it names, as the workers' do.
   */
  private LagSource.Lag readLag(StreamJob job, WorkerPlan plan, Context<StreamJob> context) {
    KafkaSource k = plan.source().kafka();
    String namespace = job.getMetadata().getNamespace();
    try {
      KafkaEndpoint cluster =
          KafkaEndpoint.of(k, ref -> secrets.read(context.getClient(), namespace, ref));
      return lagSource.read(cluster, k.consumerGroup(), k.topics());
    } catch (Exception e) {
      log.debug("cannot read lag of {}: {}", job.getMetadata().getName(), e.toString());
      return null;
    }
  }

  private UpdateControl<StreamJob> statusUpdate(
      StreamJob job, StreamJobStatus status, PipelineChecks.Problem problem) {
    if (status.equals(job.getStatus())) return UpdateControl.noUpdate();
    if (problem != null) events.warning(job, problem.reason().name(), problem.message());
    return UpdateControl.patchStatus(fresh(job, status));
  }

  /** Status as intent: a fresh object with only what identifies it and the new status. */
  private static StreamJob fresh(StreamJob job, StreamJobStatus status) {
    StreamJob patch = new StreamJob();
    patch.getMetadata().setName(job.getMetadata().getName());
    patch.getMetadata().setNamespace(job.getMetadata().getNamespace());
    patch.setStatus(status);
    return patch;
  }

  private static String pool(StreamJobSpec spec) {
    return spec.compute() != null ? spec.compute().pool() : null;
  }
}

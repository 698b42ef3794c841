package io.tributary.operator.reconcile;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.Condition;
import io.tributary.operator.api.Groups;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.StreamJobHalt;
import io.tributary.operator.api.StreamJobSpec;
import io.tributary.operator.api.StreamJobStatus;
import io.tributary.operator.api.TransformSetSpec;
import io.tributary.operator.autoscale.LagReading;
import io.tributary.operator.autoscale.LagSource;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.metrics.OperatorMetrics;
import io.tributary.operator.policy.EndpointCatalog;
import io.tributary.operator.policy.Enforcement;
import io.tributary.operator.policy.PipelineChecks;
import io.tributary.operator.policy.ResidencyPolicy;
import io.tributary.operator.policy.SecretPolicy;
import io.tributary.operator.render.Labels;
import io.tributary.operator.render.NetworkPolicies;
import io.tributary.operator.render.PlanRenderer;
import io.tributary.operator.render.StreamJobRenderer;
import io.tributary.operator.status.Conditions;
import io.tributary.operator.status.Conditions.Reason;
import io.tributary.operator.status.Halts;
import io.tributary.operator.status.StreamJobStatuses;
import io.tributary.operator.status.StreamJobStatuses.ScaleCause;
import io.tributary.operator.status.WorkerPods;
import io.tributary.operator.validate.SpecChecks;
import io.tributary.pipeline.EventsSpec;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SecretRefs;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.plan.KafkaEndpoint;
import io.tributary.plan.PlanCompiler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StreamJob: observe (from informer caches), check, render, apply what differs, report.
 *
 * <p>Not generation-aware: the tributary.io/skip-record annotation, which resumes a halted job,
 * changes metadata only. A reconcile caused by our own status write finds nothing to do and writes
 * nothing.
 */
@ControllerConfiguration(name = "streamjob", generationAwareEventProcessing = false)
public class StreamJobReconciler implements Reconciler<StreamJob> {
  private static final Logger log = LoggerFactory.getLogger(StreamJobReconciler.class);

  /** Our workers and their objects, and nothing else: informers cache only what we own. */
  static final String WORKER_SELECTOR =
      Labels.selectorString(
          Map.of(
              Groups.LABEL_KIND, StreamJobRenderer.KIND_LABEL,
              Groups.LABEL_MANAGED_BY, Groups.MANAGED_BY));

  private static final List<Class<? extends HasMetadata>> CHILDREN =
      List.of(
          Deployment.class,
          ConfigMap.class,
          Service.class,
          ServiceAccount.class,
          PodDisruptionBudget.class,
          NetworkPolicy.class);

  private final OperatorConfig config;
  private final Applier applier;
  private final EventRecorder events;
  private final StreamJobAnnouncer announcer;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final LagSource lagSource;
  private final SecretLookup secrets;
  private final SecretOptIns secretOptIns;

  /** What each job last asked the lag source, so a refresh can wake exactly those jobs. */
  private final Map<ResourceID, LagSource.Query> lagQueries = new ConcurrentHashMap<>();

  /**
   * How long until a job looks at its lag again without being told: every poll when the lag source
   * does not say when it refreshed, else a safety net behind its refresh events.
   */
  private volatile Duration lagRecheck;

  public StreamJobReconciler(
      OperatorConfig config,
      Applier applier,
      EventRecorder events,
      CloudEventPublisher cloudEvents,
      OperatorMetrics metrics,
      Clock clock,
      LagSource lagSource) {
    this.config = config;
    this.applier = applier;
    this.events = events;
    this.announcer = new StreamJobAnnouncer(events, cloudEvents, metrics, clock);
    this.metrics = metrics;
    this.clock = clock;
    this.lagSource = lagSource;
    this.secrets = new SecretLookup(clock);
    this.secretOptIns = new SecretOptIns(clock);
  }

  @Override
  public List<EventSource<?, StreamJob>> prepareEventSources(
      EventSourceContext<StreamJob> context) {
    List<EventSource<?, StreamJob>> sources = new ArrayList<>();
    // Children carry a controller owner reference to the job: JOSDK maps them back by it.
    for (Class<? extends HasMetadata> type : CHILDREN) sources.add(owned(type, context));
    // Pods are owned by ReplicaSets; their pipeline label names the job.
    sources.add(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, StreamJob.class)
                .withLabelSelector(WORKER_SELECTOR)
                .withSecondaryToPrimaryMapper(
                    pod ->
                        Set.of(
                            new ResourceID(
                                pod.getMetadata().getLabels().get(Groups.LABEL_PIPELINE),
                                pod.getMetadata().getNamespace())))
                .build(),
            context));
    sources.add(Watches.pools(context, StreamJob.class, j -> pool(j.getSpec())));
    sources.add(lagRefreshes(context));
    sources.add(Watches.namespaces(context, StreamJob.class));
    sources.add(Watches.transformSets(context, StreamJob.class, StreamJob::getSpec));
    if (config.endpointCatalog()) sources.add(Watches.endpoints(context, StreamJob.class));
    return sources;
  }

  /**
   * Lag readings are refreshed for all jobs of a cluster at once; each refresh reconciles the jobs
   * that asked, so a decision follows a reading without waiting for the job's own timer.
   */
  private SimpleInboundEventSource<StreamJob> lagRefreshes(EventSourceContext<StreamJob> context) {
    SimpleInboundEventSource<StreamJob> refreshes = new SimpleInboundEventSource<>("lag-refresh");
    boolean pushed =
        lagSource.onRefresh(
            queries ->
                lagQueries.forEach(
                    (id, query) -> {
                      if (context.getPrimaryCache().get(id).isEmpty()) {
                        lagQueries.remove(id); // the job is gone
                      } else if (queries.contains(query)) {
                        refreshes.propagateEvent(id);
                      }
                    }));
    lagRecheck = pushed ? config.lagPoll().multipliedBy(3) : config.lagPoll();
    return refreshes;
  }

  private static <R extends HasMetadata> InformerEventSource<R, StreamJob> owned(
      Class<R> type, EventSourceContext<StreamJob> context) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(type, StreamJob.class)
            .withLabelSelector(WORKER_SELECTOR)
            .build(),
        context);
  }

  @Override
  public UpdateControl<StreamJob> reconcile(StreamJob job, Context<StreamJob> context) {
    StreamJobSpec spec = job.getSpec();
    ResidencyPolicy.Residency residency =
        ResidencyPolicy.Residency.of(spec.residency(), Watches.namespaceRegion(context, job));
    Optional<String> region = residency.region();
    String poolName = pool(spec);
    ComputePoolSpec pool = poolName == null ? null : Watches.poolSpec(context, poolName);
    Deployment deployment = context.getSecondaryResource(Deployment.class).orElse(null);
    List<Pod> podList = WorkerPods.byName(context.getSecondaryResources(Pod.class));
    WorkerPods.Summary pods = WorkerPods.of(podList);
    Map<String, TransformSetSpec> sets = Watches.transformSets(context, job, spec);
    PlanCompiler.Result plan = PlanRenderer.stream(job, sets, config);
    EndpointCatalog.Resolution endpoints =
        SpecChecks.endpoints(Watches.catalog(context, config), plan, residency, spec, sets);
    Optional<PipelineChecks.Problem> problem =
        SpecChecks.streamJob(job, sets, plan, pool, residency, endpoints)
            .or(
                () ->
                    secretCheck(
                        job,
                        SecretRefs.collect(spec.source(), plan.plan().transforms(), spec.sink()),
                        context));
    if (problem.isPresent()) {
      Optional<PipelineChecks.Problem> stopping =
          residencyViolation(problem.get(), spec, residency)
              .or(() -> problem.filter(PipelineChecks::stopsWorkers));
      EventsSpec destination = StreamJobAnnouncer.destination(plan);
      UpdateControl<StreamJob> refused;
      if (stopping.isPresent()) {
        refused = stop(job, context, deployment, stopping.get(), destination);
      } else if (deployment == null) {
        refused = stop(job, context, null, problem.get(), destination);
      } else {
        refused = keepLastGoodWorkers(job, context, deployment, pods, problem.get(), destination);
      }
      // A Secret labelled later admits the job without an edit: look again once the answer expires.
      return problem.get().reason() == Reason.SecretNotAllowed
          ? refused.rescheduleAfter(SecretOptIns.TTL)
          : refused;
    }
    LagReading lag = readLag(job, plan.plan(), context);
    WorkerCount.Scale scale = WorkerCount.of(job, lag, deployment, clock.instant());
    Optional<StreamJobHalt> halt =
        Halts.next(
            job.getStatus(),
            WorkerPods.halt(podList, StreamJobRenderer.planHash(plan.plan())),
            annotation(job, Groups.SKIP_RECORD_ANNOTATION),
            generation(job));
    if (halt.isPresent()) {
      // A halted worker exits 65; zero replicas keep the kubelet from restarting it forever.
      scale =
          new WorkerCount.Scale(
              0, ScaleCause.HALTED, "halted at " + halt.get().position(), scale.autoscaler());
    }
    ResourceID primary = ResourceID.fromResource(job);
    for (HasMetadata object :
        StreamJobRenderer.render(
            job,
            plan.plan(),
            scale.replicas(),
            pool,
            region,
            config,
            NetworkPolicies.Egress.of(endpoints, config.dnsEgress()))) {
      if (object instanceof Service) replaceServiceWithAVirtualIp(context);
      Applier.Applied<HasMetadata> applied = applier.apply(object, context, primary);
      if (object instanceof Deployment d && applied.change() != Applier.Change.NONE) {
        announcer.deploymentWritten(
            job, (Deployment) applied.before(), d, scale.why(), plan.events());
      }
    }
    StreamJobStatus status =
        StreamJobStatuses.running(
            StreamJobStatuses.Observed.of(
                    job, context.getSecondaryResource(Deployment.class).orElse(null), pods)
                .withDesired(scale.replicas(), scale.cause())
                .withLag(lag == null ? null : lag.lag())
                .withAutoscaler(scale.autoscaler())
                .withHalt(halt.orElse(null)),
            clock.instant());
    if (halt.isPresent() && !halt.get().equals(haltOf(job))) {
      announcer.halted(job, halt.get(), plan.events());
    }
    // Lag moves without any Kubernetes event: look again soon.
    return statusUpdate(job, status, null, context, plan.events())
        .rescheduleAfter(lagRecheck == null ? config.lagPoll() : lagRecheck);
  }

  /**
   * Only data leaving its region (or, see {@link PipelineChecks#stopsWorkers}, classified data
   * reaching a sink unmasked) is worth stopping running workers for. A pool that is briefly
   * missing, or a bad expression in an edit, must not take a healthy stream down; the same problem
   * with no workers yet simply keeps them from starting.
   */
  private static Optional<PipelineChecks.Problem> residencyViolation(
      PipelineChecks.Problem p, StreamJobSpec spec, ResidencyPolicy.Residency residency) {
    if (p.reason() == Reason.ResidencyViolation) return Optional.of(p);
    // The pool is checked before residency: make sure a missing one hides no violation.
    List<String> hidden =
        ResidencyPolicy.violations(residency, spec.source(), spec.sink(), pool(spec), null);
    return hidden.isEmpty()
        ? Optional.empty()
        : Optional.of(
            new PipelineChecks.Problem(Reason.ResidencyViolation, String.join("; ", hidden)));
  }

  private UpdateControl<StreamJob> stop(
      StreamJob job,
      Context<StreamJob> context,
      Deployment deployment,
      PipelineChecks.Problem p,
      EventsSpec destination) {
    if (deployment != null) {
      context.getClient().resource(deployment).delete();
      EnforcementReports.report(
          events, job, Enforcement.of(readyBefore(job), generation(job), Optional.of(p), true));
      announcer.workersStopped(job, deployment, p, destination);
    }
    return statusUpdate(
        job, StreamJobStatuses.invalid(job, p, clock.instant()), p, context, destination);
  }

  /**
   * The spec went bad after workers ran: keep them as they are, and say so. Suspending still works:
   * the workers are scaled to zero through the scale subresource, since the rest of the spec cannot
   * be rendered.
   */
  private UpdateControl<StreamJob> keepLastGoodWorkers(
      StreamJob job,
      Context<StreamJob> context,
      Deployment deployment,
      WorkerPods.Summary pods,
      PipelineChecks.Problem p,
      EventsSpec destination) {
    StreamJobStatus old = job.getStatus();
    int replicas =
        deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
    ScaleCause cause = ScaleCause.SPEC;
    if (Boolean.TRUE.equals(job.getSpec().suspend())) {
      cause = ScaleCause.SUSPEND;
      if (replicas != 0) {
        context
            .getClient()
            .apps()
            .deployments()
            .inNamespace(deployment.getMetadata().getNamespace())
            .withName(deployment.getMetadata().getName())
            .scale(0);
        announcer.suspended(job, replicas, destination);
        replicas = 0;
      }
    }
    StreamJobStatus status =
        StreamJobStatuses.running(
            StreamJobStatuses.Observed.of(job, deployment, pods)
                .withDesired(replicas, cause)
                .withLag(old == null ? null : old.lag())
                .withAutoscaler(old == null ? null : old.autoscaler())
                .withHeldBack(p, old == null ? null : old.workersGeneration()),
            clock.instant());
    return statusUpdate(job, status, p, context, destination);
  }

  @Override
  public ErrorStatusUpdateControl<StreamJob> updateErrorStatus(
      StreamJob job, Context<StreamJob> context, Exception e) {
    StreamJobStatus status = StreamJobStatuses.error(job, e, clock.instant());
    metrics.resources().conditions(job, status.conditions());
    if (status.equals(job.getStatus())) return ErrorStatusUpdateControl.noStatusUpdate();
    return ErrorStatusUpdateControl.patchStatus(fresh(job, status));
  }

  /**
   * The latest lag reading, or null when there is none (not read yet, or the brokers cannot be
   * asked). The group is the plan's; the source's security settings (CA, client certificate, SASL
   * credentials) come from the Secret keys it names, read through the API, so the lag reader
   * connects exactly as the workers do.
   */
  private LagReading readLag(StreamJob job, WorkerPlan plan, Context<StreamJob> context) {
    KafkaSource k = plan.source().kafka();
    String namespace = job.getMetadata().getNamespace();
    try {
      KafkaEndpoint cluster =
          KafkaEndpoint.of(k, (ref, field) -> secrets.read(context.getClient(), namespace, ref));
      LagSource.Query query = new LagSource.Query(cluster, k.consumerGroup(), k.topics());
      lagQueries.put(ResourceID.fromResource(job), query);
      return lagSource.read(query);
    } catch (Exception e) {
      log.debug("cannot read lag of {}: {}", job.getMetadata().getName(), e.toString());
      return null;
    }
  }

  /**
   * Writes the status when it changed, and caches it (see {@link PrimaryStatus}): the next
   * reconcile must see a halt this one recorded, or it would start the halted workers again.
   */
  private UpdateControl<StreamJob> statusUpdate(
      StreamJob job,
      StreamJobStatus status,
      PipelineChecks.Problem problem,
      Context<StreamJob> context,
      EventsSpec destination) {
    metrics.resources().conditions(job, status.conditions());
    metrics.resources().refused(job, problem == null ? null : problem.reason());
    metrics.streamJobs().status(job, status);
    if (status.equals(job.getStatus())) return UpdateControl.noUpdate();
    EnforcementReports.report(
        events,
        job,
        Enforcement.of(readyBefore(job), generation(job), Optional.ofNullable(problem), false));
    announcer.statusChanged(job, status, destination);
    PrimaryStatus.write(
        job,
        fresh(job, status),
        j -> {
          j.setStatus(status);
          return j;
        },
        context);
    return UpdateControl.noUpdate();
  }

  /** Every Secret the job references must be open to pipelines ({@link SecretPolicy}). */
  private Optional<PipelineChecks.Problem> secretCheck(
      StreamJob job, List<SecretKeyRef> refs, Context<StreamJob> context) {
    String ns = job.getMetadata().getNamespace();
    return SecretPolicy.check(ns, refs, secretOptIns.of(context.getClient(), ns, refs));
  }

  private static Condition readyBefore(StreamJob job) {
    return job.getStatus() == null
        ? null
        : Conditions.find(job.getStatus().conditions(), Conditions.READY);
  }

  /** Status as intent: a fresh object with only what identifies it and the new status. */
  private static StreamJob fresh(StreamJob job, StreamJobStatus status) {
    StreamJob patch = new StreamJob();
    patch.getMetadata().setName(job.getMetadata().getName());
    patch.getMetadata().setNamespace(job.getMetadata().getNamespace());
    patch.setStatus(status);
    return patch;
  }

  /**
   * Workers' Services made before they were headless have a cluster IP, which cannot be changed in
   * place: delete such a Service so the apply creates the headless one.
   */
  private void replaceServiceWithAVirtualIp(Context<StreamJob> context) {
    context
        .getSecondaryResource(Service.class)
        .filter(s -> s.getSpec() != null)
        .filter(s -> !StreamJobRenderer.HEADLESS.equals(s.getSpec().getClusterIP()))
        .ifPresent(s -> context.getClient().resource(s).delete());
  }

  private static StreamJobHalt haltOf(StreamJob job) {
    return job.getStatus() == null ? null : job.getStatus().halted();
  }

  private static String annotation(StreamJob job, String key) {
    Map<String, String> a = job.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  private static long generation(StreamJob job) {
    Long g = job.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }

  private static String pool(StreamJobSpec spec) {
    return spec.compute() != null ? spec.compute().pool() : null;
  }
}

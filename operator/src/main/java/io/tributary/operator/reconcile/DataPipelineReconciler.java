package io.tributary.operator.reconcile;

import io.cloudevents.CloudEvent;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.Condition;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.DataPipelineSpec;
import io.tributary.operator.api.DataPipelineStatus;
import io.tributary.operator.api.Groups;
import io.tributary.operator.api.TransformSetSpec;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.metrics.OperatorMetrics;
import io.tributary.operator.policy.EndpointCatalog;
import io.tributary.operator.policy.Enforcement;
import io.tributary.operator.policy.PipelineChecks;
import io.tributary.operator.policy.ResidencyPolicy;
import io.tributary.operator.policy.SecretPolicy;
import io.tributary.operator.render.DataPipelineRenderer;
import io.tributary.operator.render.Names;
import io.tributary.operator.render.NetworkPolicies;
import io.tributary.operator.render.PlanRenderer;
import io.tributary.operator.render.TransformSets;
import io.tributary.operator.schedule.ObservedJob;
import io.tributary.operator.schedule.RunDecision;
import io.tributary.operator.schedule.RunInputs;
import io.tributary.operator.schedule.RunScheduler;
import io.tributary.operator.status.Conditions;
import io.tributary.operator.status.Conditions.Reason;
import io.tributary.operator.status.DataPipelineStatuses;
import io.tributary.operator.status.RunCloudEvents;
import io.tributary.operator.validate.SpecChecks;
import io.tributary.pipeline.EventsSpec;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SecretRefs;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.plan.PlanCompiler;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * DataPipeline: observe (Jobs and their pods, the plan, upstream pipelines, pool, namespace),
 * check, render the plan, let the {@link RunScheduler} decide the runs, apply that decision,
 * report. Every observation comes from an informer cache, so a reconcile that finds nothing to do
 * makes no API call at all. No finalizer: every child carries an owner reference, so deleting the
 * pipeline garbage-collects its plan and Jobs.
 *
 * <p>Generation-aware event filtering is off because the tributary.io/run-now annotation does not
 * bump metadata.generation; a reconcile that finds nothing to do writes nothing, so our own status
 * writes settle after one extra pass.
 */
@ControllerConfiguration(name = "datapipeline", generationAwareEventProcessing = false)
public class DataPipelineReconciler implements Reconciler<DataPipeline> {
  static final String JOBS = "jobs";
  static final String PODS = "run-pods";
  static final String PLANS = "plans";
  private static final Logger log = LoggerFactory.getLogger(DataPipelineReconciler.class);

  private final OperatorConfig config;
  private final Applier applier;
  private final EventRecorder events;
  private final CloudEventPublisher cloudEvents;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final RunScheduler scheduler;
  private final SecretOptIns secretOptIns;

  public DataPipelineReconciler(
      OperatorConfig config,
      Applier applier,
      EventRecorder events,
      CloudEventPublisher cloudEvents,
      OperatorMetrics metrics,
      Clock clock) {
    this.config = config;
    this.applier = applier;
    this.events = events;
    this.cloudEvents = cloudEvents;
    this.metrics = metrics;
    this.clock = clock;
    this.scheduler = new RunScheduler(clock);
    this.secretOptIns = new SecretOptIns(clock);
  }

  @Override
  public List<EventSource<?, DataPipeline>> prepareEventSources(
      EventSourceContext<DataPipeline> context) {
    var jobs =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, DataPipeline.class)
                .withName(JOBS)
                .withLabelSelector(Groups.LABEL_KIND + "=" + DataPipelineRenderer.KIND_LABEL)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(DataPipeline.class))
                .build(),
            context);
    // The run pods: whether a run's worker is running or waiting (and the scheduler's reason), and
    // the worker's termination message once it ended. Pods are owned by their Job, not by the
    // pipeline, so they map to it by the label every run pod carries.
    var pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, DataPipeline.class)
                .withName(PODS)
                .withLabelSelector(Groups.LABEL_KIND + "=" + DataPipelineRenderer.KIND_LABEL)
                .withSecondaryToPrimaryMapper(DataPipelineReconciler::pipelineOf)
                .build(),
            context);
    var plans =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ConfigMap.class, DataPipeline.class)
                .withName(PLANS)
                .withLabelSelector(Groups.LABEL_KIND + "=" + DataPipelineRenderer.KIND_LABEL)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(DataPipeline.class))
                .build(),
            context);
    var policies =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(NetworkPolicy.class, DataPipeline.class)
                .withLabelSelector(Groups.LABEL_KIND + "=" + DataPipelineRenderer.KIND_LABEL)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(DataPipeline.class))
                .build(),
            context);
    List<EventSource<?, DataPipeline>> sources =
        new ArrayList<>(
            List.of(
                jobs,
                pods,
                plans,
                policies,
                Upstreams.source(context),
                Watches.pools(context, DataPipeline.class, p -> pool(p.getSpec())),
                Watches.namespaces(context, DataPipeline.class),
                Watches.transformSets(context, DataPipeline.class, DataPipeline::getSpec)));
    if (config.endpointCatalog()) sources.add(Watches.endpoints(context, DataPipeline.class));
    return sources;
  }

  @Override
  public UpdateControl<DataPipeline> reconcile(DataPipeline p, Context<DataPipeline> context) {
    DataPipelineSpec spec = p.getSpec();
    ResidencyPolicy.Residency residency =
        ResidencyPolicy.Residency.of(spec.residency(), Watches.namespaceRegion(context, p));
    Optional<String> region = residency.region();
    String poolName = pool(spec);
    ComputePoolSpec pool = poolName == null ? null : Watches.poolSpec(context, poolName);
    Map<String, TransformSetSpec> sets = Watches.transformSets(context, p, spec);
    PlanCompiler.Result checkPlan = PlanRenderer.batch(p, sets, config, null);
    EndpointCatalog.Resolution endpoints =
        SpecChecks.endpoints(Watches.catalog(context, config), checkPlan, residency, spec, sets);
    Optional<PipelineChecks.Problem> problem =
        SpecChecks.dataPipeline(
                p,
                sets,
                checkPlan,
                pool,
                residency,
                Upstreams.dependencyEdges(context, p),
                endpoints)
            .or(() -> secretCheck(p, sets, context));
    if (problem.isPresent()) {
      UpdateControl<DataPipeline> refused = invalid(p, problem.get(), context);
      // A Secret labelled later admits the pipeline without an edit: look again once the answer
      // expires.
      return problem.get().reason() == Reason.SecretNotAllowed
          ? refused.rescheduleAfter(SecretOptIns.TTL)
          : refused;
    }
    Enforcement.of(readyBefore(p), generation(p), problem, false)
        .ifPresent(d -> EnforcementReports.report(events, p, d));

    Map<String, List<Pod>> pods = JobObservations.byJob(context.getSecondaryResources(Pod.class));
    List<ObservedJob> observed =
        context.getSecondaryResources(Job.class).stream()
            .map(j -> JobObservations.of(j, pods.get(j.getMetadata().getName())))
            .toList();
    RunDecision decision =
        scheduler.decide(
            RunInputs.builder()
                .pipeline(p.getMetadata().getName())
                .spec(spec)
                .status(p.getStatus())
                .generation(generation(p))
                .createdAt(created(p))
                .runNow(annotation(p, Groups.RUN_NOW_ANNOTATION))
                .jobs(observed)
                .upstreams(Upstreams.latestRuns(context, p))
                .build());
    NetworkPolicies.Egress egress = NetworkPolicies.Egress.of(endpoints, config.dnsEgress());
    // Once the runs' policy exists, it follows the catalog (an unchanged one is not written).
    if (context.getSecondaryResource(NetworkPolicy.class).isPresent()) {
      applier.apply(
          DataPipelineRenderer.networkPolicy(p, config, egress),
          context,
          ResourceID.fromResource(p));
    }
    carryOut(p, sets, decision, pool, region, egress, context);
    DataPipelineStatus before = p.getStatus();
    DataPipelineStatus status = withConditionTimes(decision.status(), before);
    if (!status.equals(before)) {
      writeStatus(p, status, context);
      reportUnreportedFailures(p, sets, before, status, observed);
    }
    report(p, before, status, null);
    UpdateControl<DataPipeline> control = UpdateControl.noUpdate();
    return decision.requeueAfter().map(control::rescheduleAfter).orElse(control);
  }

  /** Deletes and creates the Jobs the decision names, and tells the user what happened. */
  private void carryOut(
      DataPipeline p,
      Map<String, TransformSetSpec> sets,
      RunDecision decision,
      ComputePoolSpec pool,
      Optional<String> region,
      NetworkPolicies.Egress egress,
      Context<DataPipeline> context) {
    for (String name : decision.delete()) {
      log.info("deleting Job {}/{}", p.getMetadata().getNamespace(), name);
      context
          .getClient()
          .batch()
          .v1()
          .jobs()
          .inNamespace(p.getMetadata().getNamespace())
          .withName(name)
          .withPropagationPolicy(DeletionPropagation.BACKGROUND)
          .delete();
      context
          .getClient()
          .configMaps()
          .inNamespace(p.getMetadata().getNamespace())
          .withName(Names.runPlan(name))
          .delete();
    }
    // Each run resumes where the last successful one stopped.
    String watermark = decision.status().watermark();
    for (RunDecision.StartJob start : decision.create()) {
      try (var ignored = MDC.putCloseable("run.id", start.runId())) {
        var run = new WorkerPlan.Run(start.runId(), start.attempt(), watermark);
        WorkerPlan plan = PlanRenderer.batch(p, sets, config, run).plan();
        // The attempt's plan goes first, so the Job's pod finds it when it starts; the runs'
        // NetworkPolicy too, so no run pod exists without it.
        applier.apply(
            DataPipelineRenderer.runPlanConfigMap(p, plan), context, ResourceID.fromResource(p));
        applier.apply(
            DataPipelineRenderer.networkPolicy(p, config, egress),
            context,
            ResourceID.fromResource(p));
        Job job = DataPipelineRenderer.job(p, plan, start.trigger(), pool, region, config);
        create(p, remember(job, start), context);
      }
    }
    for (RunDecision.Note note : decision.notes()) {
      if (note.event().warning()) events.warning(p, note.event().name(), note.message());
      else events.normal(p, note.event().name(), note.message());
    }
  }

  /**
   * {@code run.failed} for attempts whose worker was killed before it could send it
   * (docs/events.md), once: after the status write that settles them.
   */
  private void reportUnreportedFailures(
      DataPipeline p,
      Map<String, TransformSetSpec> sets,
      DataPipelineStatus before,
      DataPipelineStatus now,
      List<ObservedJob> observed) {
    if (p.getSpec().events() == null) return;
    List<CloudEvent> failed =
        RunCloudEvents.failedWithoutTheirWorker(p, before, now, observed, clock.instant());
    if (failed.isEmpty()) return;
    EventsSpec destination = PlanRenderer.batch(p, sets, config, null).events();
    for (CloudEvent e : failed) cloudEvents.publish(p, destination, e);
  }

  @Override
  public ErrorStatusUpdateControl<DataPipeline> updateErrorStatus(
      DataPipeline p, Context<DataPipeline> context, Exception e) {
    DataPipelineStatus status = DataPipelineStatuses.error(p, e, clock.instant());
    metrics.resources().conditions(p, status.conditions());
    if (status.equals(p.getStatus())) return ErrorStatusUpdateControl.noStatusUpdate();
    return ErrorStatusUpdateControl.patchStatus(fresh(p, status));
  }

  /** A permanent problem: Ready=False with the reason, a Warning Event once, no new Jobs. */
  private UpdateControl<DataPipeline> invalid(
      DataPipeline p, PipelineChecks.Problem problem, Context<DataPipeline> context) {
    Condition readyBefore =
        Optional.ofNullable(p.getStatus())
            .map(s -> Conditions.find(s.conditions(), Conditions.READY))
            .orElse(null);
    if (PipelineChecks.stopsWorkers(problem)) {
      // Running workers must not keep moving data across the boundary, or unmasked personal
      // data into a sink, while someone fixes it.
      List<Job> running =
          context.getSecondaryResources(Job.class).stream()
              .filter(j -> !JobObservations.finished(j))
              .toList();
      running.forEach(j -> context.getClient().resource(j).delete());
      if (!running.isEmpty()) {
        EnforcementReports.report(
            events, p, Enforcement.of(readyBefore, generation(p), Optional.of(problem), true));
      }
    }
    DataPipelineStatus previous = p.getStatus();
    DataPipelineStatus status = DataPipelineStatuses.invalid(p, problem, clock.instant());
    if (status.equals(previous)) {
      report(p, previous, status, problem.reason());
      return UpdateControl.noUpdate();
    }
    writeStatus(p, status, context);
    report(p, previous, status, problem.reason());
    // Once per problem: the status already saying this reason means the user was told.
    EnforcementReports.report(
        events, p, Enforcement.of(readyBefore, generation(p), Optional.of(problem), false));
    return UpdateControl.noUpdate();
  }

  /**
   * Metrics of what the status says now; after the write, so that runs are counted as ended once:
   * the next reconcile reads them back as ended.
   *
   * @param before the status the reconcile started from
   * @param refusal why the spec is refused, or null
   */
  private void report(
      DataPipeline p,
      DataPipelineStatus before,
      DataPipelineStatus now,
      Conditions.Reason refusal) {
    metrics.phase(p, now.phase().toString());
    metrics.resources().conditions(p, now.conditions());
    metrics.resources().refused(p, refusal);
    metrics.pipelines().status(p, before, now);
  }

  /** The pipeline a run pod belongs to, by its tributary.io/pipeline label. */
  private static Set<ResourceID> pipelineOf(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    String name = labels == null ? null : labels.get(Groups.LABEL_PIPELINE);
    return name == null ? Set.of() : Set.of(new ResourceID(name, pod.getMetadata().getNamespace()));
  }

  @SuppressWarnings("unchecked")
  private static <R extends HasMetadata> InformerEventSource<R, DataPipeline> cached(
      Context<DataPipeline> context, Class<R> type, String name) {
    return (InformerEventSource<R, DataPipeline>)
        context.eventSourceRetriever().getEventSourceFor(type, name);
  }

  /** What the status says about the run, kept on its Job too, so a lost status can be rebuilt. */
  private static Job remember(Job job, RunDecision.StartJob start) {
    Map<String, String> annotations = new java.util.TreeMap<>(job.getMetadata().getAnnotations());
    if (start.scheduledAt() != null) {
      annotations.put(JobObservations.SCHEDULED_AT_ANNOTATION, start.scheduledAt());
    }
    if (start.upstreamRuns() != null) {
      annotations.put(JobObservations.UPSTREAM_RUNS_ANNOTATION, start.upstreamRuns());
    }
    job.getMetadata().setAnnotations(annotations);
    return job;
  }

  @SuppressWarnings("unchecked")
  private void create(DataPipeline p, Job job, Context<DataPipeline> context) {
    log.info(
        "starting run {} attempt {} as Job {}/{}",
        job.getMetadata().getLabels().get(Groups.LABEL_RUN_ID),
        job.getMetadata().getLabels().get(Groups.LABEL_ATTEMPT),
        p.getMetadata().getNamespace(),
        job.getMetadata().getName());
    try {
      Job created = context.getClient().resource(job).create();
      // Until the informer sees it, the next reconcile must not think the run has no Job.
      cached(context, Job.class, JOBS)
          .handleRecentResourceCreate(ResourceID.fromResource(p), created);
    } catch (KubernetesClientException e) {
      // Run ids are deterministic: the Job exists because this run was already started.
      if (e.getCode() != 409) throw e;
      log.debug("Job {} already exists", job.getMetadata().getName());
    }
  }

  private DataPipelineStatus withConditionTimes(
      DataPipelineStatus desired, DataPipelineStatus previous) {
    return desired.withConditions(
        Conditions.merge(
            previous == null ? null : previous.conditions(),
            desired.conditions(),
            clock.instant()));
  }

  private static void writeStatus(
      DataPipeline p, DataPipelineStatus status, Context<DataPipeline> context) {
    PrimaryStatus.write(
        p,
        fresh(p, status),
        r -> {
          r.setStatus(status);
          return r;
        },
        context);
  }

  /** Status as intent: a fresh object with only what identifies it and the new status. */
  private static DataPipeline fresh(DataPipeline p, DataPipelineStatus status) {
    DataPipeline patch = new DataPipeline();
    patch.getMetadata().setName(p.getMetadata().getName());
    patch.getMetadata().setNamespace(p.getMetadata().getNamespace());
    patch.setStatus(status);
    return patch;
  }

  static String pool(DataPipelineSpec spec) {
    return spec.compute() != null ? spec.compute().pool() : null;
  }

  /** Every Secret the pipeline references must be open to pipelines ({@link SecretPolicy}). */
  private Optional<PipelineChecks.Problem> secretCheck(
      DataPipeline p, Map<String, TransformSetSpec> sets, Context<DataPipeline> context) {
    String ns = p.getMetadata().getNamespace();
    DataPipelineSpec spec = p.getSpec();
    // The steps of the sets it names too: a set's mask key is read by this pipeline's workers.
    List<SecretKeyRef> refs =
        SecretRefs.collect(
            spec.source(), TransformSets.inline(spec.transforms(), sets).steps(), spec.sink());
    return SecretPolicy.check(ns, refs, secretOptIns.of(context.getClient(), ns, refs));
  }

  private static Condition readyBefore(DataPipeline p) {
    return p.getStatus() == null
        ? null
        : Conditions.find(p.getStatus().conditions(), Conditions.READY);
  }

  private static long generation(DataPipeline p) {
    Long g = p.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }

  private static Instant created(DataPipeline p) {
    String t = p.getMetadata().getCreationTimestamp();
    return t == null ? null : Instant.parse(t);
  }

  private static String annotation(DataPipeline p, String key) {
    Map<String, String> a = p.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }
}

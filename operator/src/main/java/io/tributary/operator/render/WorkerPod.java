package io.tributary.operator.render;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.NodeAffinityBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.ComputeSpec;
import io.tributary.operator.api.Groups;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SecretRefs;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.Volumes;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.transform.InferTransform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The pod every worker runs in, for streams and batch runs alike: one image, the plan mounted,
 * referenced Secret keys (only those) mounted read-only, placed on its pool and pinned to its
 * region.
 */
public final class WorkerPod {
  static final String DEFAULT_CPU = "500m";
  static final String DEFAULT_MEMORY = "512Mi";
  public static final String PLAN_ANNOTATION = "tributary.io/plan-sha256";

  /** The ConfigMap key holding the plan. */
  public static final String PLAN_KEY = "plan.json";

  /**
   * What a worker pod needs to know.
   *
   * @param labels labels of the pod (selector labels included)
   * @param planConfigMap name of the ConfigMap holding plan.json
   * @param planHash hash of the plan, so a plan change rolls the pods
   * @param secrets the referenced Secret keys; each Secret is mounted under
   *     /etc/tributary/secrets/&lt;name&gt;/ with exactly these keys (the others stay out of the
   *     pod)
   * @param volumes the PersistentVolumeClaims the files source and the lake sink name, each mounted
   *     at its mountPath (a source's read-only)
   * @param pool the pool's spec, or null when the pipeline names none
   * @param region the residency region, if any
   * @param serviceAccount service account, or null for the namespace default
   * @param stream streams get a readiness probe and restart; batch runs never restart
   * @param models the model of each infer step, by step name ({@link #models}); each is mounted
   *     read-only under /etc/tributary/models/&lt;step&gt;/
   */
  public record Input(
      Map<String, String> labels,
      String planConfigMap,
      String planHash,
      List<SecretKeyRef> secrets,
      List<Volumes.Mount> volumes,
      ComputeSpec compute,
      ComputePoolSpec pool,
      Optional<String> region,
      String serviceAccount,
      boolean stream,
      Map<String, InferTransform.Model> models) {}

  /**
   * The models of the infer steps of a compiled plan's {@code transforms} that come from a volume,
   * by step name; a model in object storage is copied by the worker and needs none.
   */
  public static Map<String, InferTransform.Model> models(List<TransformSpec> transforms) {
    Map<String, InferTransform.Model> out = new LinkedHashMap<>();
    for (int i = 0; i < transforms.size(); i++) {
      TransformSpec t = transforms.get(i);
      if (t.infer() != null && t.infer().model() != null && t.infer().model().uri() == null) {
        out.put(t.stepName(i), t.infer().model());
      }
    }
    return out;
  }

  private WorkerPod() {}

  /**
   * The worker JVM's options. A batch run adds the throughput collector: a run has no latency to
   * protect, and on the batch benchmark's run Parallel GC took ~10% less CPU than G1 and than the
   * Serial collector the JVM picks by itself in pods under 1792 MiB (docs/benchmarks.md, Batch).
   */
  static String javaOptions(boolean stream) {
    String common = "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError";
    return stream ? common : common + " -XX:+UseParallelGC";
  }

  public static PodTemplateSpec template(Input in, OperatorConfig config) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(in.labels())
        .withAnnotations(
            new TreeMap<>(
                Map.of(
                    PLAN_ANNOTATION,
                    in.planHash(),
                    "prometheus.io/scrape",
                    "true",
                    "prometheus.io/port",
                    String.valueOf(config.workerMetricsPort()))))
        .endMetadata()
        .withSpec(spec(in, config))
        .build();
  }

  private static PodSpec spec(Input in, OperatorConfig config) {
    PodSpecBuilder b =
        new PodSpecBuilder()
            .withServiceAccountName(in.serviceAccount())
            // Workers never call the Kubernetes API.
            .withAutomountServiceAccountToken(false)
            .withRestartPolicy(in.stream() ? "Always" : "Never")
            .withTerminationGracePeriodSeconds(30L)
            .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withRunAsUser(10001L)
            .withRunAsGroup(10001L)
            .withFsGroup(10001L)
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile()
            .endSecurityContext()
            .withContainers(container(in, config))
            .withVolumes(volumes(in));
    ComputePoolSpec pool = in.pool();
    if (pool != null) {
      // Sorted: the order the pool's labels arrive in must not change the pod template.
      b.withNodeSelector(new TreeMap<>(pool.nodeSelector()));
      b.withTolerations(tolerations(pool));
    }
    in.region()
        .ifPresent(
            region ->
                b.withNewAffinity()
                    .withNodeAffinity(
                        new NodeAffinityBuilder()
                            .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                            .withNodeSelectorTerms(
                                new NodeSelectorTermBuilder()
                                    .withMatchExpressions(
                                        new NodeSelectorRequirementBuilder()
                                            .withKey(Groups.REGION_LABEL)
                                            .withOperator("In")
                                            .withValues(region)
                                            .build())
                                    .build())
                            .endRequiredDuringSchedulingIgnoredDuringExecution()
                            .build())
                    .endAffinity());
    return b.build();
  }

  private static Container container(Input in, OperatorConfig config) {
    ComputeSpec compute = in.compute();
    ComputeSpec.Resources res = compute != null ? compute.resources() : null;
    String cpu = res != null && res.cpu() != null ? res.cpu() : DEFAULT_CPU;
    String memory = res != null && res.memory() != null ? res.memory() : DEFAULT_MEMORY;
    Map<String, Quantity> requests = new LinkedHashMap<>();
    Map<String, Quantity> limits = new LinkedHashMap<>();
    requests.put("cpu", new Quantity(cpu));
    requests.put("memory", new Quantity(memory));
    // Memory limit = request: a worker is never killed for memory it was promised.
    limits.put("memory", new Quantity(memory));
    if (compute != null && compute.accelerator() != null) {
      Quantity gpus = new Quantity(String.valueOf(compute.accelerator().count()));
      requests.put(compute.accelerator().type(), gpus);
      limits.put(compute.accelerator().type(), gpus);
    }
    List<EnvVar> env = new ArrayList<>();
    env.add(fieldEnv("POD_NAME", "metadata.name"));
    env.add(fieldEnv("POD_NAMESPACE", "metadata.namespace"));
    env.add(
        new EnvVarBuilder()
            .withName("JAVA_TOOL_OPTIONS")
            .withValue(javaOptions(in.stream()))
            .build());
    ContainerBuilder c =
        new ContainerBuilder()
            .withName("worker")
            .withImage(config.runtimeImage())
            .withImagePullPolicy(config.imagePullPolicy())
            .withArgs("run", "--plan", WorkerPlan.MOUNT_PATH)
            .withEnv(env)
            .addNewPort()
            .withName("metrics")
            .withContainerPort(config.workerMetricsPort())
            .withProtocol("TCP")
            .endPort()
            .withResources(
                new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build())
            .withTerminationMessagePath("/dev/termination-log")
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .withNewSecurityContext()
            .withAllowPrivilegeEscalation(false)
            .withReadOnlyRootFilesystem(true)
            .withNewCapabilities()
            .withDrop("ALL")
            .endCapabilities()
            .endSecurityContext()
            .withVolumeMounts(mounts(in))
            .withLivenessProbe(probe("/healthz", config, 30));
    if (in.stream()) c.withReadinessProbe(probe("/readyz", config, 5));
    return c.build();
  }

  private static Probe probe(String path, OperatorConfig config, int initialDelay) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withNewPort("metrics")
        .endHttpGet()
        .withInitialDelaySeconds(initialDelay)
        .withPeriodSeconds(10)
        .withFailureThreshold(3)
        .build();
  }

  private static EnvVar fieldEnv(String name, String fieldPath) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath(fieldPath)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  private static List<Volume> volumes(Input in) {
    List<Volume> volumes = new ArrayList<>();
    volumes.add(
        new VolumeBuilder()
            .withName("plan")
            .withNewConfigMap()
            .withName(in.planConfigMap())
            .endConfigMap()
            .build());
    // The root filesystem is read-only; the JVM and the batch sinks' staging need a scratch dir.
    volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
    Map<String, List<String>> keys = new TreeMap<>();
    for (SecretKeyRef ref : in.secrets()) {
      keys.computeIfAbsent(ref.name(), n -> new ArrayList<>()).add(ref.key());
    }
    for (String claim : claimNames(in)) {
      volumes.add(
          new VolumeBuilder()
              .withName(claimVolume(claim))
              .withNewPersistentVolumeClaim()
              .withClaimName(claim)
              .endPersistentVolumeClaim()
              .build());
    }
    keys.forEach(
        (secret, refs) ->
            volumes.add(
                new VolumeBuilder()
                    .withName("secret-" + secret.replace('.', '-'))
                    .withNewSecret()
                    .withSecretName(secret)
                    .withItems(
                        refs.stream()
                            .sorted()
                            .distinct()
                            .map(k -> new KeyToPath(k, null, k))
                            .toList())
                    .withDefaultMode(0400)
                    // A key the Secret lacks must not hold the pod in ContainerCreating with a
                    // kubelet mount error few users find: the worker starts, finds the file
                    // missing and says so (exit 78, InvalidPlan naming the Secret and key).
                    .withOptional(true)
                    .endSecret()
                    .build()));
    in.models().forEach((step, model) -> volumes.add(modelVolume(step, model)));
    return volumes;
  }

  /** One volume per claim, however many mount paths it is mounted at. */
  private static List<String> claimNames(Input in) {
    return in.volumes().stream().map(m -> m.claim().claimName()).distinct().sorted().toList();
  }

  private static String claimVolume(String claim) {
    return "pvc-" + claim.replace('.', '-');
  }

  /**
   * An infer step's model: the one ConfigMap key, or the claim read-only. Like a Secret, a missing
   * ConfigMap does not hold the pod in ContainerCreating: the worker says which file is missing.
   */
  private static Volume modelVolume(String step, InferTransform.Model model) {
    VolumeBuilder v = new VolumeBuilder().withName(modelVolumeName(step));
    if (model.configMap() != null) {
      String key = model.configMap().key();
      v.withNewConfigMap()
          .withName(model.configMap().name())
          .withItems(new KeyToPath(key, null, key))
          .withOptional(true)
          .endConfigMap();
    } else {
      v.withNewPersistentVolumeClaim()
          .withClaimName(model.persistentVolumeClaim().claimName())
          .withReadOnly(true)
          .endPersistentVolumeClaim();
    }
    return v.build();
  }

  /**
   * A TransformSet's step is named {@code <set>/<step>}, and a set's name may hold dots: neither is
   * allowed in a volume name, so such a name is spelled with dashes and a hash of the step name
   * keeps two spellings apart ({@code a-b/c} and {@code a/b-c}).
   */
  private static String modelVolumeName(String step) {
    if (step.matches("[-a-z0-9]+")) return Names.fit("model-" + step);
    return Names.fit(
        "model-" + step.replaceAll("[^-a-z0-9]", "-") + "-" + Names.sha256(step).substring(0, 8));
  }

  private static List<VolumeMount> mounts(Input in) {
    List<VolumeMount> mounts = new ArrayList<>();
    // subPath, not the whole directory: the Secrets mount beside it under /etc/tributary/secrets,
    // and a ConfigMap volume is read-only, so nothing could be mounted inside it.
    mounts.add(
        new VolumeMountBuilder()
            .withName("plan")
            .withMountPath(WorkerPlan.MOUNT_PATH)
            .withSubPath(PLAN_KEY)
            .withReadOnly(true)
            .build());
    mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
    for (Volumes.Mount m : in.volumes()) {
      mounts.add(
          new VolumeMountBuilder()
              .withName(claimVolume(m.claim().claimName()))
              .withMountPath(m.claim().mountPath())
              .withReadOnly(m.readOnly())
              .build());
    }
    for (String secret : SecretRefs.names(in.secrets())) {
      mounts.add(
          new VolumeMountBuilder()
              .withName("secret-" + secret.replace('.', '-'))
              .withMountPath(WorkerPlan.SECRETS_DIR + "/" + secret)
              .withReadOnly(true)
              .build());
    }
    for (String step : in.models().keySet()) {
      mounts.add(
          new VolumeMountBuilder()
              .withName(modelVolumeName(step))
              .withMountPath(WorkerPlan.MODELS_DIR + "/" + step)
              .withReadOnly(true)
              .build());
    }
    return mounts;
  }

  private static List<Toleration> tolerations(ComputePoolSpec pool) {
    if (pool.taints() == null) return List.of();
    return pool.taints().stream()
        .map(
            t ->
                new TolerationBuilder()
                    .withKey(t.key())
                    .withOperator(t.value() == null ? "Exists" : "Equal")
                    .withValue(t.value())
                    .withEffect(t.effect().wireName())
                    .build())
        .toList();
  }
}

package io.tributary.operator.api;

/** The API group and version of Tributary's resources, and its well-known labels. */
public final class Groups {
  public static final String GROUP = "tributary.io";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** Annotation that asks for one extra run now; its value identifies the request. */
  public static final String RUN_NOW_ANNOTATION = "tributary.io/run-now";

  /**
   * On a StreamJob halted by a validate step with onInvalid fail: the halted record's position
   * ({@code topic/partition@offset}, as its Halted condition says) sends that one record to the
   * dead letters and resumes the workers.
   */
  public static final String SKIP_RECORD_ANNOTATION = "tributary.io/skip-record";

  /** Namespace label that sets the residency region of every pipeline in it. */
  public static final String RESIDENCY_NAMESPACE_LABEL = "tributary.io/residency";

  public static final String LABEL_PIPELINE = "tributary.io/pipeline";
  public static final String LABEL_KIND = "tributary.io/kind";
  public static final String LABEL_RUN_ID = "tributary.io/run-id";
  public static final String LABEL_ATTEMPT = "tributary.io/attempt";
  public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "tributary-operator";
  public static final String REGION_LABEL = "topology.kubernetes.io/region";

  private Groups() {}
}

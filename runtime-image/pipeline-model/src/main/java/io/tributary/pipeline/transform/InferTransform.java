package io.tributary.pipeline.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.Durations;
import io.tributary.pipeline.ObjectStore;
import java.util.List;

/**
 * Runs a model on record fields in micro-batches and adds its outputs to the record as fields: an
 * ONNX model in the worker's process (ONNX Runtime), or a model server over the Open Inference
 * Protocol (v2 REST).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.model) != has(self.remote)",
    message = "infer: set exactly one of model (ONNX in the worker) or remote (a model server)")
@ValidationRule(
    value = "!has(self.remote) || !has(self.executionProvider)",
    message =
        "infer.executionProvider: only for model (in the worker); a remote model server chooses"
            + " its own hardware")
public record InferTransform(
    @JsonPropertyDescription(
            "Where the ONNX model file is: a ConfigMap key or a file on a PersistentVolumeClaim,"
                + " mounted read-only into every worker, or an object in S3-compatible storage,"
                + " copied into every worker as it starts.")
        Model model,
    @Required
        @Size(min = 1)
        @JsonPropertyDescription(
            "The model's inputs, one entry per input tensor: a [batch, n] tensor of the listed"
                + " fields, in order. Every input the model declares must be here; the worker"
                + " refuses to start otherwise, naming both.")
        List<Input> inputs,
    @Required
        @Size(min = 1)
        @JsonPropertyDescription(
            "The model outputs to keep, each added to the record as a field: a number for a"
                + " [batch] or [batch, 1] tensor, a list of numbers for [batch, k].")
        List<Output> outputs,
    @Min(1)
        @Max(65536)
        @JsonPropertyDescription(
            "Most records in one call of the model. Default 64. A StreamJob gathers records of"
                + " one input partition, over several polls, until this many wait or maxWait has"
                + " passed; never past a commit.")
        Integer batchSize,
    @Pattern(Durations.PATTERN)
        @JsonPropertyDescription(
            "Longest a StreamJob record waits for its batch to fill, e.g. 5ms. Default 10ms; the"
                + " commit interval (spec.checkpointInterval) caps it. DataPipeline runs batch by"
                + " size only.")
        String maxWait,
    @JsonPropertyDescription(
            "Which ONNX Runtime execution provider runs the model: cuda (NVIDIA GPU) or cpu."
                + " Default: cuda when spec.compute.accelerator is nvidia.com/gpu, cpu otherwise."
                + " cuda needs the GPU variant of the runtime image; a worker without a CUDA"
                + " provider refuses to start (exit 78) rather than run on CPU unseen.")
        ExecutionProvider executionProvider,
    @JsonPropertyDescription(
            "A model server that speaks the Open Inference Protocol (v2 REST: KServe, Triton,"
                + " MLServer) instead of a model in the worker.")
        Remote remote) {

  /** An in-process model. */
  public InferTransform(
      Model model,
      List<Input> inputs,
      List<Output> outputs,
      Integer batchSize,
      String maxWait,
      ExecutionProvider executionProvider) {
    this(model, inputs, outputs, batchSize, maxWait, executionProvider, null);
  }

  /** The tensor datatypes of the Open Inference Protocol that carry record numbers. */
  public enum Datatype {
    FP32,
    FP64,
    INT64
  }

  /** A model server reached over the Open Inference Protocol, v2 REST. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Remote(
      @Required
          @Pattern("^https?://[^/?#]+(/[^?#]*)?$")
          @JsonPropertyDescription(
              "The server's base URL; requests go to <url>/v2/models/<model>[/versions/<version>]"
                  + "/infer, e.g. http://fraud.models.svc:8080.")
          String url,
      @Required
          @Pattern("^[A-Za-z0-9][A-Za-z0-9_.-]*$")
          @JsonPropertyDescription("The model's name on the server.")
          String model,
      @Pattern("^[A-Za-z0-9][A-Za-z0-9_.-]*$")
          @JsonPropertyDescription("The model's version; the server's default when unset.")
          String version,
      @JsonPropertyDescription(
              "Datatype of the input tensors: FP32 (default), FP64 or INT64 (values rounded).")
          Datatype datatype,
      @Pattern(Durations.PATTERN)
          @JsonPropertyDescription("Longest one request may take, connecting included. Default 2s.")
          String timeout,
      @Min(0)
          @Max(10)
          @JsonPropertyDescription(
              "Attempts after the first for a batch that failed for the server's sake (no answer,"
                  + " 408, 429, 5xx); the wait doubles from backoff. A refusal of the request"
                  + " (other 4xx) is not retried. Default 3.")
          Integer maxRetries,
      @Pattern(Durations.PATTERN)
          @JsonPropertyDescription("Wait before the first retry; doubles each time. Default 100ms.")
          String backoff,
      @Min(1)
          @JsonPropertyDescription(
              "Batches failed in a row (after their retries) that open the circuit: while open,"
                  + " no request is sent and records go straight to the dead letters. Default 5.")
          Integer breakerFailures,
      @Pattern(Durations.PATTERN)
          @JsonPropertyDescription(
              "How long the circuit stays open before one trial batch; success closes it."
                  + " Default 30s.")
          String breakerOpenFor) {

    public static Remote of(String url, String model) {
      return new Remote(url, model, null, null, null, null, null, null, null);
    }
  }

  /** The ONNX Runtime execution provider. */
  public enum ExecutionProvider {
    @JsonProperty("cpu")
    CPU,
    @JsonProperty("cuda")
    CUDA;

    /** As the metrics label and the docs spell it. */
    public String label() {
      return this == CPU ? "cpu" : "cuda";
    }
  }

  /** Where the model file comes from; exactly one source. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value =
          "[has(self.configMap), has(self.persistentVolumeClaim), has(self.uri)]"
              + ".filter(x, x).size() == 1",
      message = "infer.model: set exactly one of configMap, persistentVolumeClaim or uri")
  @ValidationRule(
      value = "has(self.uri) == has(self.s3)",
      message =
          "infer.model.s3: set it exactly when uri is set (s3://bucket/key): the store's endpoint,"
              + " region, addressing style and credentials, as for the lake's s3")
  public record Model(
      @JsonPropertyDescription(
              "A ConfigMap key holding the model (binaryData): for models under 1 MiB.")
          ConfigMapFile configMap,
      @JsonPropertyDescription("A file on a PersistentVolumeClaim, mounted read-only.")
          ClaimFile persistentVolumeClaim,
      @Size(max = 2048)
          @Pattern("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.*[^/]$")
          @JsonPropertyDescription(
              "The model object in S3-compatible storage, s3://bucket/key (with s3 for the"
                  + " store). Each worker copies it into its /tmp as it starts, so a new model"
                  + " reaches the workers as they restart (e.g. kubectl rollout restart).")
          String uri,
      @JsonPropertyDescription(
              "The store of uri: endpoint, region, path style and the credentials' Secret keys,"
                  + " as sink.lake.s3.")
          ObjectStore s3) {

    /**
     * The model file's path relative to the step's mount directory ({@code <models dir>/<step
     * name>}): the ConfigMap key, or the path inside the claim; null for a URI.
     */
    public String file() {
      if (configMap != null) return configMap.key();
      if (persistentVolumeClaim != null) return persistentVolumeClaim.path();
      return null;
    }

    public static Model configMap(String name, String key) {
      return new Model(new ConfigMapFile(name, key), null, null, null);
    }

    public static Model claim(String claimName, String path) {
      return new Model(null, new ClaimFile(claimName, path), null, null);
    }

    /** The object {@code uri} (s3://bucket/key) of {@code store}. */
    public static Model s3(String uri, ObjectStore store) {
      return new Model(null, null, uri, store);
    }
  }

  /** A key of a ConfigMap in the pipeline's namespace. */
  public record ConfigMapFile(
      @Required
          @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
          @JsonPropertyDescription("The ConfigMap's name.")
          String name,
      @Required
          @Pattern("^[-._a-zA-Z0-9]+$")
          @JsonPropertyDescription("The key holding the ONNX file, e.g. model.onnx.")
          String key) {}

  /** A file on a PersistentVolumeClaim in the pipeline's namespace. */
  @ValidationRule(
      // Not split('/'): the API server prices a split of an unbounded string far over its CEL
      // budget; a bounded contains() on the slash-wrapped path says the same.
      value = "!('/' + self.path + '/').contains('/../')",
      message = "infer.model.persistentVolumeClaim.path: must stay inside the volume (no ..)")
  public record ClaimFile(
      @Required
          @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
          @JsonPropertyDescription("The claim's name.")
          String claimName,
      @Required
          @Pattern("^[^/].*")
          @Size(min = 1, max = 1024)
          @JsonPropertyDescription("The model file's path inside the volume, e.g. fraud/v3.onnx.")
          String path) {}

  /** One input tensor and the record fields that fill it. */
  public record Input(
      @Required
          @Size(min = 1, max = 256)
          @JsonPropertyDescription("The model's input name, as the ONNX file declares it.")
          String tensor,
      @Required
          @Size(min = 1)
          @JsonPropertyDescription(
              "Number fields, in the order of the tensor's last dimension. A record missing one,"
                  + " or holding something other than a number, goes to the dead letters.")
          List<String> fields) {}

  /** One output tensor and the field it becomes. */
  public record Output(
      @Required
          @Size(min = 1, max = 256)
          @JsonPropertyDescription("The model's output name, as the ONNX file declares it.")
          String tensor,
      @Required
          @Pattern("^[A-Za-z_][A-Za-z0-9_]*$")
          @JsonPropertyDescription("The record field it is written to (added or overwritten).")
          String field) {}

  /** The same step with {@code provider}: the plan compiler's choice when the spec has none. */
  public InferTransform withExecutionProvider(ExecutionProvider provider) {
    return new InferTransform(model, inputs, outputs, batchSize, maxWait, provider, remote);
  }
}

package io.tributary.runtime.transform;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.tributary.pipeline.transform.InferTransform;
import io.tributary.pipeline.transform.InferTransform.ExecutionProvider;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One ONNX model in ONNX Runtime: loaded once per worker on the plan's execution provider, checked
 * against the step's mapping, run on [rows, n] number tensors. Thread-safe (an ONNX Runtime session
 * is), so forks of a chain share it.
 */
final class OnnxModel implements BatchModel {
  private static final Set<OnnxJavaType> NUMBERS =
      Set.of(OnnxJavaType.FLOAT, OnnxJavaType.DOUBLE, OnnxJavaType.INT64, OnnxJavaType.INT32);

  private final OrtEnvironment env;
  private final OrtSession session;
  private final Map<String, TensorInfo> inputs;
  private final Map<String, TensorInfo> outputs;
  private final String provider;

  private OnnxModel(OrtEnvironment env, OrtSession session, ExecutionProvider provider)
      throws OrtException {
    this.env = env;
    this.session = session;
    this.provider = provider.label();
    this.inputs = tensors(session.getInputInfo());
    this.outputs = tensors(session.getOutputInfo());
  }

  /**
   * Loads {@code file} on {@code provider}.
   *
   * @throws IllegalArgumentException the file is missing or not a model, or the provider is not in
   *     this ONNX Runtime (a CPU-only build asked for cuda): the worker refuses to start
   */
  static OnnxModel load(Path file, ExecutionProvider provider) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "model file "
              + file
              + " is not there: check the ConfigMap key or the claim's path in infer.model, and"
              + " that the volume exists in the pipeline's namespace");
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      if (provider == ExecutionProvider.CUDA) {
        Set<OrtProvider> available = OrtEnvironment.getAvailableProviders();
        if (!available.contains(OrtProvider.CUDA)) {
          throw new IllegalArgumentException(
              "executionProvider cuda: this worker's ONNX Runtime has no CUDA provider"
                  + " (it has "
                  + available
                  + "); run the GPU variant of the runtime image (docs/inference.md), or set"
                  + " executionProvider: cpu");
        }
        options.addCUDA(0);
      }
      return new OnnxModel(env, env.createSession(file.toString(), options), provider);
    } catch (OrtException e) {
      throw new IllegalArgumentException(
          "model file " + file + " could not be loaded: " + e.getMessage(), e);
    }
  }

  /**
   * What does not fit between the model and the step's mapping, or empty: every model input must be
   * mapped, with as many fields as its last dimension, every mapped output must exist, and all must
   * be number tensors of rank 2 (or rank 1 for an output: one number per record).
   */
  Optional<String> mismatch(List<InferTransform.Input> in, List<InferTransform.Output> out) {
    List<String> problems = new ArrayList<>();
    Map<String, Integer> mapped = new LinkedHashMap<>();
    for (InferTransform.Input i : in) mapped.put(i.tensor(), i.fields().size());
    if (!inputs.keySet().equals(mapped.keySet())) {
      problems.add(
          "the model's inputs are "
              + describe(inputs)
              + " but infer.inputs maps "
              + mappedInputs(mapped));
    } else {
      for (var e : mapped.entrySet()) {
        TensorInfo t = inputs.get(e.getKey());
        long[] shape = t.getShape();
        if (!NUMBERS.contains(t.type)
            || shape.length != 2
            || (shape[1] >= 0 && shape[1] != e.getValue())) {
          problems.add(
              "the model's input "
                  + describe(e.getKey(), t)
                  + " does not take infer.inputs' "
                  + e.getValue()
                  + " fields as [batch, "
                  + e.getValue()
                  + "] numbers");
        }
      }
    }
    for (InferTransform.Output o : out) {
      TensorInfo t = outputs.get(o.tensor());
      if (t == null) {
        problems.add(
            "infer.outputs names '"
                + o.tensor()
                + "', which the model does not have; its outputs are "
                + describe(outputs));
      } else if (!NUMBERS.contains(t.type) || t.getShape().length < 1 || t.getShape().length > 2) {
        problems.add(
            "the model's output "
                + describe(o.tensor(), t)
                + " is not [batch] or [batch, k] numbers");
      }
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  @Override
  public String provider() {
    return provider;
  }

  @Override
  public Map<String, double[][]> run(
      Map<String, double[][]> features, int rows, List<String> wanted) throws Failure {
    try {
      return runOrThrow(features, rows, wanted);
    } catch (OrtException e) {
      throw new Failure("the model failed on this batch: " + e.getMessage(), e);
    }
  }

  private Map<String, double[][]> runOrThrow(
      Map<String, double[][]> features, int rows, List<String> wanted) throws OrtException {
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      for (var e : features.entrySet()) {
        feed.put(e.getKey(), tensor(inputs.get(e.getKey()).type, e.getValue(), rows));
      }
      try (OrtSession.Result result = session.run(feed, Set.copyOf(wanted))) {
        Map<String, double[][]> out = new HashMap<>();
        for (String name : wanted) {
          OnnxValue v = result.get(name).orElseThrow();
          out.put(name, rowsOf((OnnxTensor) v, rows));
        }
        return out;
      }
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  private OnnxTensor tensor(OnnxJavaType type, double[][] values, int rows) throws OrtException {
    int n = rows == 0 ? 0 : values[0].length;
    long[] shape = {rows, n};
    return switch (type) {
      case DOUBLE -> {
        DoubleBuffer b = DoubleBuffer.allocate(rows * n);
        for (int r = 0; r < rows; r++) b.put(values[r]);
        yield OnnxTensor.createTensor(env, b.flip(), shape);
      }
      case INT64, INT32 -> {
        LongBuffer b = LongBuffer.allocate(rows * n);
        for (int r = 0; r < rows; r++) for (double d : values[r]) b.put(Math.round(d));
        yield OnnxTensor.createTensor(env, b.flip(), shape);
      }
      default -> {
        FloatBuffer b = FloatBuffer.allocate(rows * n);
        for (int r = 0; r < rows; r++) for (double d : values[r]) b.put((float) d);
        yield OnnxTensor.createTensor(env, b.flip(), shape);
      }
    };
  }

  private static double[][] rowsOf(OnnxTensor t, int rows) {
    long[] shape = t.getInfo().getShape();
    int k = shape.length == 1 ? 1 : (int) shape[1];
    double[][] out = new double[rows][k];
    switch (t.getInfo().type) {
      case DOUBLE -> {
        DoubleBuffer b = t.getDoubleBuffer();
        for (int r = 0; r < rows; r++) for (int j = 0; j < k; j++) out[r][j] = b.get();
      }
      case INT64 -> {
        LongBuffer b = t.getLongBuffer();
        for (int r = 0; r < rows; r++) for (int j = 0; j < k; j++) out[r][j] = b.get();
      }
      case INT32 -> {
        var b = t.getIntBuffer();
        for (int r = 0; r < rows; r++) for (int j = 0; j < k; j++) out[r][j] = b.get();
      }
      default -> {
        FloatBuffer b = t.getFloatBuffer();
        for (int r = 0; r < rows; r++) for (int j = 0; j < k; j++) out[r][j] = b.get();
      }
    }
    return out;
  }

  private static Map<String, TensorInfo> tensors(Map<String, NodeInfo> nodes) {
    Map<String, TensorInfo> out = new LinkedHashMap<>();
    nodes.forEach(
        (name, node) -> {
          if (node.getInfo() instanceof TensorInfo t) out.put(name, t);
          else out.put(name, null);
        });
    return out;
  }

  private static String describe(Map<String, TensorInfo> tensors) {
    List<String> out = new ArrayList<>();
    tensors.forEach((n, t) -> out.add(describe(n, t)));
    return "[" + String.join(", ", out) + "]";
  }

  private static String describe(String name, TensorInfo t) {
    if (t == null) return name + " (not a tensor)";
    return name
        + ": "
        + t.type.name().toLowerCase(Locale.ROOT)
        + Arrays.toString(t.getShape()).replace(" ", "");
  }

  private static String mappedInputs(Map<String, Integer> mapped) {
    Set<String> out = new TreeSet<>();
    mapped.forEach((n, k) -> out.add(n + " (" + k + (k == 1 ? " field)" : " fields)")));
    return "[" + String.join(", ", out) + "]";
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      // Closing frees native memory at shutdown; nothing a user can do about a failure.
    }
  }
}

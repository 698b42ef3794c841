package io.tributary.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The infer tests' ONNX model, {@code src/test/models/fraud.onnx} (made by make_model.py there):
 * {@code score = sigmoid(features . (0.002, -0.05, 0.8) - 1)} over float[N, 3] {@code features},
 * and {@code parts = features * (0.002, -0.05, 0.8)}.
 */
public final class TestModels {
  public static final Path FRAUD = Path.of("src/test/models/fraud.onnx").toAbsolutePath();
  private static final double[] W = {0.002, -0.05, 0.8};

  private TestModels() {}

  /** The score the model gives, computed in float as the model does. */
  public static double fraudScore(double amount, double age, double risk) {
    float logit =
        (float) amount * (float) W[0] + (float) age * (float) W[1] + (float) risk * (float) W[2];
    return 1.0 / (1.0 + Math.exp(-(logit - 1.0f)));
  }

  /**
   * Lays {@code model} out as the worker pod does: {@code <modelsDir>/<step>/<file>}.
   *
   * @return the models directory
   */
  public static Path mount(Path modelsDir, String step, String file, Path model) {
    try {
      Files.createDirectories(modelsDir.resolve(step));
      Files.copy(
          model,
          modelsDir.resolve(step).resolve(file),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return modelsDir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.tributary.runtime.transform;

import java.util.List;
import java.util.Map;

/**
 * A model an infer step calls on a batch: ONNX Runtime in the worker ({@link OnnxModel}) or a model
 * server ({@link RemoteModel}). Thread-safe: forks of a chain share it.
 */
interface BatchModel extends AutoCloseable {
  /**
   * Runs the model on {@code rows} records: {@code inputs.get(tensor)[r]} holds record r's numbers
   * for that input. Returns, per output asked for, one array of numbers per record.
   *
   * @throws Failure with the reason every record of the batch is dead-lettered with
   */
  Map<String, double[][]> run(Map<String, double[][]> inputs, int rows, List<String> outputs)
      throws Failure;

  /** The execution provider label of the metrics: cpu, cuda or remote. */
  String provider();

  @Override
  void close();

  /** The batch failed; the message is the reason, said to the dead letters. */
  final class Failure extends Exception {
    Failure(String reason, Throwable cause) {
      super(reason, cause, false, false);
    }
  }
}

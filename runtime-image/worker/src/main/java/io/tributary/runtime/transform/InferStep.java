package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.transform.InferTransform;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a model (in the worker or on a model server) on record fields, {@code batchSize} records per
 * call, and adds its outputs as fields. A record missing an input field, or holding a non-number
 * there, is refused (dead letter) without holding up the others; a model call that fails refuses
 * the records of that call with the runtime's reason.
 */
final class InferStep implements BatchStep {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final String name;
  private final String provider;
  private final BatchModel model;
  private final List<InferTransform.Input> inputs;
  private final List<InferTransform.Output> outputs;
  private final List<String> outputTensors;
  private final int batchSize;
  private final Duration maxWait;
  private final InferenceObserver observer;

  InferStep(
      String name,
      BatchModel model,
      InferTransform spec,
      Duration maxWait,
      InferenceObserver observer) {
    this.name = name;
    this.provider = model.provider();
    this.model = model;
    this.inputs = List.copyOf(spec.inputs());
    this.outputs = List.copyOf(spec.outputs());
    this.outputTensors = outputs.stream().map(InferTransform.Output::tensor).distinct().toList();
    this.batchSize = spec.batchSize();
    this.maxWait = maxWait;
    this.observer = observer;
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  @Override
  public Duration maxWait() {
    return maxWait;
  }

  @Override
  public void processBatch(List<ObjectNode> records, Instant now, Results results) {
    List<Integer> ready = new ArrayList<>();
    List<Map<String, double[]>> features = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      try {
        features.add(features(records.get(i)));
        ready.add(i);
      } catch (StepRejection e) {
        results.refuse(i, e);
      }
    }
    for (int from = 0; from < ready.size(); from += batchSize) {
      int to = Math.min(ready.size(), from + batchSize);
      call(records, ready.subList(from, to), features.subList(from, to), results);
    }
  }

  private void call(
      List<ObjectNode> records,
      List<Integer> indexes,
      List<Map<String, double[]>> features,
      Results results) {
    int rows = indexes.size();
    Map<String, double[][]> feed = new LinkedHashMap<>();
    for (InferTransform.Input in : inputs) {
      double[][] tensor = new double[rows][];
      for (int r = 0; r < rows; r++) tensor[r] = features.get(r).get(in.tensor());
      feed.put(in.tensor(), tensor);
    }
    Map<String, double[][]> out;
    long start = System.nanoTime();
    try {
      out = model.run(feed, rows, outputTensors);
    } catch (BatchModel.Failure e) {
      StepRejection failed = new StepRejection(e.getMessage());
      for (int index : indexes) results.refuse(index, failed);
      return;
    } catch (RuntimeException e) {
      StepRejection failed = new StepRejection("the model failed on this batch: " + e.getMessage());
      for (int index : indexes) results.refuse(index, failed);
      return;
    }
    observer.batch(name, provider, rows, (System.nanoTime() - start) / 1e9);
    for (int r = 0; r < rows; r++) {
      ObjectNode record = records.get(indexes.get(r));
      for (InferTransform.Output o : outputs) {
        record.set(o.field(), value(out.get(o.tensor())[r]));
      }
      results.emit(indexes.get(r), record);
    }
  }

  private Map<String, double[]> features(ObjectNode record) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (InferTransform.Input in : inputs) {
      double[] values = new double[in.fields().size()];
      for (int k = 0; k < values.length; k++) {
        String field = in.fields().get(k);
        JsonNode v = record.get(field);
        if (v == null || v.isNull()) {
          throw new StepRejection("field '" + field + "' is missing; the model needs it");
        }
        if (!v.isNumber()) {
          throw new StepRejection(
              "field '"
                  + field
                  + "' is "
                  + v.getNodeType().name().toLowerCase(Locale.ROOT)
                  + ", not a number");
        }
        values[k] = v.doubleValue();
      }
      out.put(in.tensor(), values);
    }
    return out;
  }

  private static JsonNode value(double[] row) {
    if (row.length == 1) return number(row[0]);
    ArrayNode a = JSON.arrayNode(row.length);
    for (double d : row) a.add(number(d));
    return a;
  }

  /** Floats of the model as the shortest decimal that reads back as the same float. */
  private static JsonNode number(double d) {
    float f = (float) d;
    if (f == d) return JSON.numberNode(Double.parseDouble(Float.toString(f)));
    return JSON.numberNode(d);
  }
}

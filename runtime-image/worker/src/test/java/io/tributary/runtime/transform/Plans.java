package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.runtime.Secrets;
import io.tributary.runtime.testing.TestPlans;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Builds plans and records from JSON text for transform tests. */
final class Plans {
  static final ObjectMapper JSON = new ObjectMapper();

  private Plans() {}

  static WorkerPlan plan(String transformsJson, String schemaJson) {
    String json =
        "{\"planVersion\":1,\"kind\":\"StreamJob\",\"pipeline\":{\"namespace\":\"ns\",\"name\":\"p\","
            + "\"uid\":\"u\"},\"metricsPort\":0,"
            + "\"source\":{\"kafka\":{\"bootstrapServers\":\"127.0.0.1:9\",\"topics\":[\"in\"]}},"
            + "\"sink\":{\"kafka\":{\"bootstrapServers\":\"127.0.0.1:9\",\"topic\":\"out\"}},"
            + "\"transforms\":"
            + transformsJson
            + (schemaJson == null ? "" : ",\"schema\":" + schemaJson)
            + "}";
    try {
      return TestPlans.compile(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static TransformChain chain(String transformsJson, String schemaJson) {
    return chain(transformsJson, schemaJson, Path.of("/nonexistent"));
  }

  static TransformChain chain(String transformsJson, String schemaJson, Path secretsDir) {
    return TransformChain.compile(
        plan(transformsJson, schemaJson),
        Secrets.fromDir(secretsDir),
        TransformChain.Options.defaults().withClock(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC)));
  }

  static ObjectNode record(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Runs one record; returns what came out. */
  static List<ObjectNode> run(TransformChain chain, String json) {
    List<ObjectNode> out = new ArrayList<>();
    chain.process(record(json), out::add);
    return out;
  }

  static List<ObjectNode> run(TransformChain chain, String json, Instant at) {
    List<ObjectNode> out = new ArrayList<>();
    chain.process(record(json), at, out::add);
    return out;
  }
}

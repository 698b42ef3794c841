package io.tributary.runtime.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.runtime.Secrets;
import io.tributary.runtime.testing.MlServer;
import io.tributary.runtime.testing.TestPlans;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote infer step against a real MLServer (PyPI) serving a scikit-learn model the test
 * trains, over the Open Inference Protocol v2 REST.
 */
class RemoteInferIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  private static MlServer server;

  @BeforeAll
  static void start() throws Exception {
    server = MlServer.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.close();
  }

  private static TransformChain chain(String fields, int maxRetries, int breakerFailures) {
    return TransformChain.compile(
        TestPlans.compile(
            "{\"kind\":\"StreamJob\",\"source\":{\"kafka\":{\"bootstrapServers\":\"127.0.0.1:9\","
                + "\"topics\":[\"in\"]}},\"sink\":{\"kafka\":{\"bootstrapServers\":\"127.0.0.1:9\","
                + "\"topic\":\"out\"}},\"transforms\":[{\"name\":\"score\",\"infer\":{\"remote\":"
                + "{\"url\":\""
                + server.url()
                + "\",\"model\":\"fraud\",\"version\":\"v1\",\"datatype\":\"FP64\","
                + "\"timeout\":\"5s\",\"maxRetries\":"
                + maxRetries
                + ",\"backoff\":\"10ms\",\"breakerFailures\":"
                + breakerFailures
                + "},\"inputs\":[{\"tensor\":\"features\",\"fields\":"
                + fields
                + "}],\"outputs\":[{\"tensor\":\"predict_proba\",\"field\":\"proba\"}],"
                + "\"batchSize\":16}}]}"),
        Secrets.fromDir(Path.of("/nonexistent")));
  }

  private record Told(Map<Integer, ObjectNode> out, Map<Integer, String> rejected) {}

  private static Told runAll(TransformChain chain, List<ObjectNode> records) {
    Told told = new Told(new TreeMap<>(), new TreeMap<>());
    chain.processAll(
        records,
        Instant.EPOCH,
        new TransformChain.BatchOutput() {
          @Override
          public void emit(int input, ObjectNode out) {
            told.out().put(input, out);
          }

          @Override
          public void rejected(int input, RejectedRecordException e) {
            told.rejected().put(input, e.reason());
          }
        });
    return told;
  }

  private static List<ObjectNode> records(JsonNode inputs) {
    List<ObjectNode> records = new ArrayList<>();
    for (JsonNode in : inputs) {
      ObjectNode r = JSON.createObjectNode();
      r.put("id", records.size());
      r.set("amount", in.get(0));
      r.set("age", in.get(1));
      r.set("risk", in.get(2));
      records.add(r);
    }
    return records;
  }

  @Test
  void everyRecordGetsTheProbabilitiesScikitLearnGivesInBatches() throws Exception {
    JsonNode expected = JSON.readTree(server.expected().toFile());
    List<ObjectNode> records = records(expected.get("inputs"));
    records.get(5).remove("age");
    Told told;
    try (TransformChain c = chain("[\"amount\",\"age\",\"risk\"]", 3, 5)) {
      told = runAll(c, records);
      assertThat(c.stepCounts().get(0).rejected()).isEqualTo(1);
    }
    assertThat(told.rejected())
        .containsExactly(Map.entry(5, "field 'age' is missing; the model needs it"));
    assertThat(told.out()).hasSize(records.size() - 1);
    told.out()
        .forEach(
            (i, out) -> {
              JsonNode want = expected.get("predict_proba").get(i);
              assertThat(out.get("proba").size()).isEqualTo(2);
              assertThat(out.get("proba").get(0).asDouble())
                  .isCloseTo(want.get(0).asDouble(), within(1e-9));
              assertThat(out.get("proba").get(1).asDouble())
                  .isCloseTo(want.get(1).asDouble(), within(1e-9));
            });
  }

  @Test
  void aRequestTheModelCannotTakeDeadLettersItsRecordsWithTheServersAnswer() throws Exception {
    JsonNode expected = JSON.readTree(server.expected().toFile());
    Told told;
    try (TransformChain c = chain("[\"amount\",\"age\"]", 0, 5)) {
      told = runAll(c, records(expected.get("inputs")).subList(0, 3));
    }
    assertThat(told.out()).isEmpty();
    assertThat(told.rejected()).hasSize(3);
    assertThat(told.rejected().get(0)).startsWith("the model server answered ");
  }
}

package io.tributary.pipeline.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The one JSON mapping of plans and run summaries, shared by the operator and the runtime. */
public final class PlanJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          // A plan from a newer operator must fail loudly, not silently drop a setting.
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private PlanJson() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  public static WorkerPlan readPlan(String json) throws JsonProcessingException {
    return MAPPER.readValue(json, WorkerPlan.class);
  }

  public static WorkerPlan readPlan(Path file) {
    try {
      return MAPPER.readValue(Files.readString(file), WorkerPlan.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read plan " + file + ": " + e.getMessage(), e);
    }
  }

  public static RunSummary readSummary(String json) throws JsonProcessingException {
    return MAPPER.readValue(json, RunSummary.class);
  }
}

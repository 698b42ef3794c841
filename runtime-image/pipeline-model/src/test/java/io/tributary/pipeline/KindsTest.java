package io.tributary.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.plan.PlanJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kind() names the one kind a user set (messages, metrics and lineage use it), and is never written
 * into a plan: the worker refuses unknown plan fields, so a serialized "kind" would break it.
 */
class KindsTest {
  @ParameterizedTest
  @ValueSource(strings = {"jdbc", "files", "http", "kafka"})
  void sourceKind(String kind) throws Exception {
    SourceSpec s = PlanJson.mapper().readValue("{\"" + kind + "\": {}}", SourceSpec.class);
    assertThat(s.kind()).isEqualTo(kind);
    assertThat(PlanJson.write(s)).doesNotContain("\"kind\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lake", "jdbc", "kafka", "featureStore"})
  void sinkKind(String kind) throws Exception {
    SinkSpec s = PlanJson.mapper().readValue("{\"" + kind + "\": {}}", SinkSpec.class);
    assertThat(s.kind()).isEqualTo(kind);
    assertThat(PlanJson.write(s)).doesNotContain("\"kind\"");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "validate",
        "filter",
        "map",
        "derive",
        "normalize",
        "dedupe",
        "mask",
        "consent",
        "aggregate"
      })
  void transformKindAndDefaultStepName(String kind) throws Exception {
    TransformSpec t = PlanJson.mapper().readValue("{\"" + kind + "\": {}}", TransformSpec.class);
    assertThat(t.kind()).isEqualTo(kind);
    assertThat(t.stepName(3)).isEqualTo(kind + "-3");
    assertThat(PlanJson.write(t)).doesNotContain("\"kind\"");
  }

  @Test
  void anExplicitStepNameWinsAndNothingSetIsNone() throws Exception {
    TransformSpec named =
        PlanJson.mapper()
            .readValue(
                "{\"name\": \"drop-tests\", \"filter\": {\"expression\": \"true\"}}",
                TransformSpec.class);
    assertThat(named.stepName(0)).isEqualTo("drop-tests");
    assertThat(PlanJson.mapper().readValue("{}", TransformSpec.class).kind()).isEqualTo("none");
    assertThat(PlanJson.mapper().readValue("{}", SourceSpec.class).kind()).isEqualTo("none");
    assertThat(PlanJson.mapper().readValue("{}", SinkSpec.class).kind()).isEqualTo("none");
  }
}

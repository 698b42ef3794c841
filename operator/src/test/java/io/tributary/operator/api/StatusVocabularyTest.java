package io.tributary.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The status enums read in messages (toString) exactly as they are written to status and listed in
 * the CRD (their JSON names), and every written value reads back as the same constant.
 */
class StatusVocabularyTest {
  static Stream<Enum<?>> values() {
    return Stream.of(
            List.<Enum<?>>of(RunPhase.values()),
            List.<Enum<?>>of(PipelinePhase.values()),
            List.<Enum<?>>of(RunFailure.values()),
            List.<Enum<?>>of(PoolScaleReason.values()))
        .flatMap(List::stream);
  }

  @ParameterizedTest
  @MethodSource("values")
  void messagesSpellAValueAsStatusDoes(Enum<?> value) {
    String json = Serialization.asJson(value);
    assertThat(json).isEqualTo("\"" + value + "\"");
    assertThat(Serialization.unmarshal(json, value.getDeclaringClass())).isSameAs(value);
  }
}

package io.tributary.runtime.batch.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tributary.runtime.batch.BadRecordException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnsTest {
  static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }

  @Test
  void theFastTimestampPathAgreesWithJavaTime() {
    for (String s :
        List.of(
            "2026-01-01T00:00:00Z",
            "1999-12-31T23:59:59.5Z",
            "2026-11-25T10:11:12.123456Z",
            "2026-11-25T10:11:12.123456789Z",
            "2026-02-28T01:02:03",
            "1969-07-20T20:17:40Z")) {
      assertThat(Columns.utcMicros(s)).as(s).isEqualTo(micros(Columns.parseInstant(s)));
    }
    assertThat(Columns.utcMicros("2026-11-25T10:11:12+04:00")).isEqualTo(Long.MIN_VALUE);
    assertThat(Columns.utcMicros("2026-02-30T00:00:00Z")).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void inferenceWidensAndConversionRejectsWithTheFieldName() throws Exception {
    ObjectMapper m = new ObjectMapper();
    List<Columns.Column> cols =
        Columns.infer(
            List.of(
                (ObjectNode) m.readTree("{\"a\":1,\"b\":null,\"c\":\"x\",\"p\":1}"),
                (ObjectNode) m.readTree("{\"a\":1.5,\"b\":2,\"c\":3}")),
            List.of("p"));
    assertThat(cols)
        .containsExactly(
            new Columns.Column("a", Columns.Type.DOUBLE),
            new Columns.Column("b", Columns.Type.LONG),
            new Columns.Column("c", Columns.Type.STRING));
    assertThatThrownBy(
            () -> Columns.convert(new Columns.Column("n", Columns.Type.LONG), new TextNode("x")))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("field n");
  }

  @Test
  void aDoubleColumnRefusesNanAndInfinityAsTextOrNumber() throws Exception {
    Columns.Column d = new Columns.Column("d", Columns.Type.DOUBLE);
    assertThat(Columns.convert(d, new TextNode(" 2.5 "))).isEqualTo(2.5);
    for (var v :
        List.of(
            new TextNode("NaN"),
            new TextNode("Infinity"),
            new TextNode("-Infinity"),
            com.fasterxml.jackson.databind.node.DoubleNode.valueOf(Double.NaN))) {
      assertThatThrownBy(() -> Columns.convert(d, v))
          .as(v.toString())
          .isInstanceOf(BadRecordException.class)
          .hasMessageContaining("field d: ")
          .hasMessageContaining("is not a finite number");
    }
  }
}

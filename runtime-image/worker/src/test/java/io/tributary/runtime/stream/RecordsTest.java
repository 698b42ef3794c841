package io.tributary.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.runtime.Secrets;
import io.tributary.runtime.transform.DeadLetterMask;
import io.tributary.runtime.transform.RejectedRecordException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class RecordsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, String> headers(ProducerRecord<byte[], byte[]> r) {
    return io.tributary.runtime.testing.KafkaBroker.headers(r.headers());
  }

  @Test
  void onlyJsonObjectsAreRecords() throws Exception {
    assertThat(Records.parse(utf8("{\"a\":\"ü\"}")).get("a").asText()).isEqualTo("ü");
    assertThatThrownBy(() -> Records.parse(null)).hasMessageContaining("tombstone");
    assertThatThrownBy(() -> Records.parse(utf8("[1,2]"))).hasMessageContaining("not an object");
    assertThatThrownBy(() -> Records.parse(utf8("{\"a\":"))).hasMessageContaining("not JSON");
  }

  @Test
  void theKeyFieldKeysTheOutputElseTheInputKeyDoes() throws Exception {
    Records keyed = records("out", "dlq", "customer");
    ObjectNode rec = (ObjectNode) JSON.readTree("{\"customer\":\"c1\",\"n\":2}");
    ProducerRecord<byte[], byte[]> out = keyed.output(rec, utf8("input-key"), 42L);
    assertThat(out.topic()).isEqualTo("out");
    assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo("c1");
    assertThat(out.timestamp()).isEqualTo(42L);
    assertThat(JSON.readTree(out.value())).isEqualTo(rec);

    ObjectNode numeric = (ObjectNode) JSON.readTree("{\"customer\":7}");
    assertThat(new String(keyed.output(numeric, null, 1L).key(), StandardCharsets.UTF_8))
        .isEqualTo("7");
    ObjectNode without = (ObjectNode) JSON.readTree("{\"customer\":null}");
    assertThat(new String(keyed.output(without, utf8("k"), 1L).key(), StandardCharsets.UTF_8))
        .isEqualTo("k");
    assertThat(records("out", "dlq", null).output(rec, utf8("k"), 1L).key()).isEqualTo(utf8("k"));
    assertThat(keyed.output(rec, null, ConsumerRecord.NO_TIMESTAMP).timestamp())
        .as("an input without a timestamp (-1) leaves it to the producer")
        .isNull();
  }

  @Test
  void aDeadLetterKeepsTheInputBytesAndSaysWhyAndWhere() {
    ConsumerRecord<byte[], byte[]> in =
        new ConsumerRecord<>("payments", 2, 1234L, utf8("k"), utf8("not json"));
    ProducerRecord<byte[], byte[]> dl =
        records("out", "payments.dlq", null).deadLetter(in, 3, "pii", "field 'ip' is bad");
    assertThat(dl.topic()).isEqualTo("payments.dlq");
    assertThat(dl.value()).isEqualTo(utf8("not json"));
    assertThat(dl.key()).isEqualTo(utf8("k"));
    assertThat(dl.timestamp()).isNull(); // the input had none (-1)
    assertThat(headers(dl))
        .containsEntry(Records.REASON, "field 'ip' is bad")
        .containsEntry(Records.STEP, "pii")
        .containsEntry(Records.STEP_INDEX, "3")
        .containsEntry(Records.SOURCE_TOPIC, "payments")
        .containsEntry(Records.SOURCE_PARTITION, "2")
        .containsEntry(Records.SOURCE_OFFSET, "1234");
  }

  @Test
  void aRejectedWindowResultIsDeadLetteredAsItsJson() throws Exception {
    ObjectNode window = (ObjectNode) JSON.readTree("{\"card\":\"c1\",\"n\":3}");
    ProducerRecord<byte[], byte[]> dl =
        records("out", "dlq", null)
            .deadLetter(window, new RejectedRecordException(1, "check", "n too high"));
    assertThat(JSON.readTree(dl.value())).isEqualTo(window);
    assertThat(headers(dl))
        .containsEntry(Records.STEP, "check")
        .containsEntry(Records.STEP_INDEX, "1")
        .doesNotContainKey(Records.SOURCE_TOPIC);
  }

  /**
   * email and card are personal; the chain keeps the last 4 digits of card, and the sink may hold
   * email unmasked.
   */
  private static Records classified() {
    WorkerPlan plan =
        WorkerPlan.builder(WorkerPlan.Kind.STREAM_JOB)
            .schema(
                new SchemaSpec(
                    List.of(
                        SchemaSpec.Field.of("email", SchemaSpec.Type.STRING).asPii(),
                        SchemaSpec.Field.of("card", SchemaSpec.Type.STRING)
                            .classified(SchemaSpec.Classification.PERSONAL),
                        SchemaSpec.Field.of("n", SchemaSpec.Type.INTEGER)),
                    null))
            .transforms(
                List.of(
                    TransformSpec.of(
                        new MaskTransform(
                            null,
                            List.of(
                                MaskTransform.Field.of("card", MaskTransform.Method.KEEP_LAST)
                                    .withKeep(4))))))
            .sink(SinkSpec.of(KafkaSink.of("k:9092", "out")).allowingClassified(List.of("email")))
            .build();
    return new Records(
        "out",
        "dlq",
        null,
        Records.DEFAULT_MAX_BYTES,
        Records.DEFAULT_MAX_BYTES,
        DeadLetterMask.compile(plan, Secrets.fromDir(Path.of("/nonexistent"))));
  }

  @Test
  void aDeadLetterOfAPlanWithClassifiedFieldsCarriesThemMasked() throws Exception {
    ConsumerRecord<byte[], byte[]> in =
        new ConsumerRecord<>(
            "payments",
            0,
            7L,
            utf8("k"),
            utf8("{\"email\":\"ada@x.io\",\"card\":\"4111111111111111\",\"n\":1}"));
    ProducerRecord<byte[], byte[]> dl = classified().deadLetter(in, 1, "check", "n too low");
    assertThat(JSON.readTree(dl.value()))
        .isEqualTo(JSON.readTree("{\"email\":\"***\",\"card\":\"************1111\",\"n\":1}"));
    assertThat(new String(dl.value(), StandardCharsets.UTF_8))
        .doesNotContain("ada@x.io")
        .doesNotContain("4111111111111111");
    assertThat(dl.key()).isEqualTo(utf8("k"));
    assertThat(headers(dl))
        .containsEntry(Records.MASKED, "email,card")
        .containsEntry(Records.REASON, "n too low")
        .containsEntry(Records.SOURCE_OFFSET, "7");
  }

  @Test
  void inputThatIsNotARecordIsNotKeptWhenThePlanHasClassifiedFields() {
    ConsumerRecord<byte[], byte[]> in =
        new ConsumerRecord<>("payments", 0, 8L, utf8("k"), utf8("email=ada@x.io"));
    ProducerRecord<byte[], byte[]> dl = classified().deadLetter(in, -1, "source", "not JSON");
    assertThat(dl.key()).as("the key is not a schema field").isEqualTo(utf8("k"));
    assertThat(dl.value()).isNull();
    assertThat(headers(dl).get(Records.REASON))
        .startsWith("not JSON; the value is not kept: it is not a record")
        .endsWith("read it at payments/0@8");
    assertThat(headers(dl)).containsEntry(Records.SIZE, "15");
  }

  @Test
  void anOutputTheSinkRefusedKeepsWhatTheChainMaskedAndHidesWhatTheSinkMayHold() throws Exception {
    ObjectNode out =
        (ObjectNode) JSON.readTree("{\"email\":\"ada@x.io\",\"card\":\"************1111\"}");
    ProducerRecord<byte[], byte[]> dl = classified().deadLetterOutput(out, 1, "sink", "too large");
    assertThat(JSON.readTree(dl.value()))
        .isEqualTo(JSON.readTree("{\"email\":\"***\",\"card\":\"************1111\"}"));
    assertThat(headers(dl)).containsEntry(Records.MASKED, "email");
    assertThat(out.get("email").asText())
        .as("the caller's record is left alone")
        .isEqualTo("ada@x.io");
  }

  /** Records with Kafka's default size limits, for a plan without classified fields. */
  private static Records records(String out, String dlq, String keyField) {
    return new Records(
        out,
        dlq,
        keyField,
        Records.DEFAULT_MAX_BYTES,
        Records.DEFAULT_MAX_BYTES,
        DeadLetterMask.none());
  }
}

package io.tributary.plan;

import static io.tributary.plan.Specs.filter;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.pipeline.source.MqttSource;
import io.tributary.pipeline.transform.DedupeTransform;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plan checks of an MQTT source: what the compiler fills in, and each mistake refused with the
 * field and the fix, as the operator reports it and the worker refuses it.
 */
class MqttSourceCheckTest {
  private static final PlanContext CONTEXT = PlanContext.of("plant", "sensors", "u-1");
  private static final MqttSource MQTT =
      MqttSource.of("ssl://mqtt.plant.svc:8883", List.of("plant/+/temperature"), "msg_id");
  private static final KafkaSource INGEST = KafkaSource.of("k:9092", List.of("sensors-ingest"));
  private static final TransformSpec DEDUPE =
      TransformSpec.of(new DedupeTransform(List.of("msg_id"), "10m"));
  private static final SinkSpec OUT = SinkSpec.of(KafkaSink.of("k:9092", "sensors-out"));

  @org.junit.jupiter.api.Test
  void theCompilerFillsTheShareGroupAndTheProtocolVersion() {
    PlanCompiler.Result r = compile(SourceSpec.of(MQTT, INGEST), List.of(DEDUPE));
    assertThat(r.problems()).isEmpty();
    MqttSource compiled = r.plan().source().mqtt();
    assertThat(compiled.shareGroup()).isEqualTo("tributary-plant-sensors");
    assertThat(compiled.protocolVersion()).isEqualTo("3.1.1");
    assertThat(r.plan().source().kafka().consumerGroup()).isEqualTo("tributary-plant-sensors");
    assertThat(PlanCompiler.problems(r.plan())).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void aPlanWithoutTheDefaultsIsRefusedByTheWorker() {
    WorkerPlan plan = compile(SourceSpec.of(MQTT, INGEST), List.of(DEDUPE)).plan();
    WorkerPlan handWritten =
        plan.toBuilder()
            .source(plan.source().withMqtt(MQTT.withShareGroup(null).withProtocolVersion(null)))
            .build();
    assertThat(PlanCompiler.problems(handWritten))
        .extracting(PlanProblem::path)
        .contains("source.mqtt.shareGroup", "source.mqtt.protocolVersion");
  }

  static Stream<Arguments> mistakes() {
    return Stream.of(
        row(
            "MQTT 5",
            s -> SourceSpec.of(MQTT.withProtocolVersion("5"), INGEST),
            List.of(DEDUPE),
            "source.mqtt.protocolVersion",
            MqttSource.PROTOCOL_MESSAGE),
        row(
            "no ingest topic",
            s -> SourceSpec.of(MQTT, null),
            List.of(DEDUPE),
            "source.mqtt",
            SourceSpec.MQTT_NEEDS_INGEST_TOPIC),
        row(
            "two ingest topics",
            s -> SourceSpec.of(MQTT, KafkaSource.of("k:9092", List.of("a", "b"))),
            List.of(DEDUPE),
            "source.mqtt",
            SourceSpec.MQTT_NEEDS_INGEST_TOPIC),
        row(
            "an http URL",
            s -> SourceSpec.of(withUri("http://mqtt:1883"), INGEST),
            List.of(DEDUPE),
            "source.mqtt.serverUri",
            "'http://mqtt:1883' is not tcp://host:port or ssl://host:port; write the broker's"
                + " address in one of these forms (ssl:// for TLS)"),
        row(
            "no port",
            s -> SourceSpec.of(withUri("tcp://mqtt"), INGEST),
            List.of(DEDUPE),
            "source.mqtt.serverUri",
            "'tcp://mqtt' is not tcp://host:port or ssl://host:port; write the broker's address in"
                + " one of these forms (ssl:// for TLS)"),
        row(
            "no keyField",
            s -> SourceSpec.of(MqttSource.of("tcp://mqtt:1883", List.of("plant/#"), null), INGEST),
            List.of(DEDUPE),
            "source.mqtt.keyField",
            "missing: name the payload field that identifies a message (e.g. msg_id), by which"
                + " repeats are removed"),
        row(
            "a keyField that is a path",
            s ->
                SourceSpec.of(
                    MqttSource.of("tcp://mqtt:1883", List.of("plant/#"), "meta.id"), INGEST),
            List.of(TransformSpec.of(new DedupeTransform(List.of("meta.id"), "10m"))),
            "source.mqtt.keyField",
            "'meta.id' is not a field name (letters, digits, _)"),
        row(
            "no dedupe",
            s -> SourceSpec.of(MQTT, INGEST),
            List.of(),
            "transforms",
            "an MQTT source delivers at least once (QoS 1), so the first step must remove the"
                + " repeats by source.mqtt.keyField: make transforms[0] {dedupe: {keyFields:"
                + " [msg_id], window: 10m}} (choose the window: a repeat later than it passes)"),
        row(
            "a dedupe that comes second",
            s -> SourceSpec.of(MQTT, INGEST),
            List.of(filter("true"), DEDUPE),
            "transforms[0]",
            "an MQTT source delivers at least once (QoS 1), so the first step must remove the"
                + " repeats by source.mqtt.keyField: make transforms[0] {dedupe: {keyFields:"
                + " [msg_id], window: 10m}} (choose the window: a repeat later than it passes)"),
        row(
            "a dedupe on another key",
            s -> SourceSpec.of(MQTT, INGEST),
            List.of(TransformSpec.of(new DedupeTransform(List.of("msg_id", "sensor"), "10m"))),
            "transforms[0]",
            "an MQTT source delivers at least once (QoS 1), so the first step must remove the"
                + " repeats by source.mqtt.keyField: make transforms[0] {dedupe: {keyFields:"
                + " [msg_id], window: 10m}} (choose the window: a repeat later than it passes)"),
        row(
            "a filter already shared",
            s ->
                SourceSpec.of(
                    MqttSource.of("tcp://mqtt:1883", List.of("$share/g/plant/#"), "msg_id"),
                    INGEST),
            List.of(DEDUPE),
            "source.mqtt.topics[0]",
            "'$share/g/plant/#': leave out $share/<group>/; every filter is subscribed as"
                + " $share/<shareGroup>/<filter> (set source.mqtt.shareGroup to choose the group)"),
        row(
            "a wildcard inside a level",
            s ->
                SourceSpec.of(
                    MqttSource.of("tcp://mqtt:1883", List.of("plant/line+/#"), "msg_id"), INGEST),
            List.of(DEDUPE),
            "source.mqtt.topics[0]",
            "'plant/line+/#' is not an MQTT topic filter: + stands alone in a level, # alone in"
                + " the last level (e.g. sensors/+/temperature, sensors/#)"),
        row(
            "# before the last level",
            s ->
                SourceSpec.of(
                    MqttSource.of("tcp://mqtt:1883", List.of("plant/#/temp"), "msg_id"), INGEST),
            List.of(DEDUPE),
            "source.mqtt.topics[0]",
            "'plant/#/temp' is not an MQTT topic filter: + stands alone in a level, # alone in"
                + " the last level (e.g. sensors/+/temperature, sensors/#)"),
        row(
            "a share group with a slash",
            s -> SourceSpec.of(MQTT.withShareGroup("a/b"), INGEST),
            List.of(DEDUPE),
            "source.mqtt.shareGroup",
            "'a/b' cannot name a shared subscription: leave out /, +, # and spaces"),
        row(
            "tls on tcp://",
            s ->
                SourceSpec.of(
                    withUri("tcp://mqtt:1883")
                        .withTls(
                            new MqttSource.MqttTls(new SecretKeyRef("ca", "ca.crt"), null, null)),
                    INGEST),
            List.of(DEDUPE),
            "source.mqtt.tls",
            "needs a TLS connection: write serverUri as ssl://host:port, or remove"
                + " source.mqtt.tls"),
        row(
            "a client certificate without its key",
            s ->
                SourceSpec.of(
                    MQTT.withTls(
                        new MqttSource.MqttTls(null, new SecretKeyRef("c", "tls.crt"), null)),
                    INGEST),
            List.of(DEDUPE),
            "source.mqtt.tls",
            "certificateSecretRef and keySecretRef go together: mutual TLS needs the client"
                + " certificate chain and its private key; set both, or neither"),
        row(
            "a password without a user name",
            s -> SourceSpec.of(MQTT.withCredentials(null, new SecretKeyRef("login", "pw")), INGEST),
            List.of(DEDUPE),
            "source.mqtt.passwordSecretRef",
            "needs source.mqtt.usernameSecretRef: MQTT sends a password only with a user name;"
                + " set usernameSecretRef too"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void eachMistakeIsRefusedNamingTheFieldAndTheFix(
      String what,
      UnaryOperator<SourceSpec> source,
      List<TransformSpec> steps,
      String path,
      String message) {
    PlanCompiler.Result r = compile(source.apply(null), steps);
    assertThat(r.problems()).contains(PlanProblem.spec(path, message));
  }

  @org.junit.jupiter.api.Test
  void aDataPipelineCannotReadMqtt() {
    PlanCompiler.Result r =
        PlanCompiler.compile(
            PipelineDefinition.batch()
                .source(SourceSpec.of(MQTT, INGEST))
                .transforms(List.of(DEDUPE))
                .sink(OUT)
                .build(),
            CONTEXT.withRun("run-1", 1, null));
    assertThat(r.problems())
        .containsExactly(PlanProblem.spec("source.mqtt", PlanCompiler.MQTT_IS_A_STREAM));
  }

  @org.junit.jupiter.api.Test
  void theSecretsItNamesAreMountedAndNoValueIsInThePlan() {
    SecretKeyRef user = new SecretKeyRef("mqtt-login", "username");
    SecretKeyRef password = new SecretKeyRef("mqtt-login", "password");
    SecretKeyRef ca = new SecretKeyRef("mqtt-tls", "ca.crt");
    SecretKeyRef cert = new SecretKeyRef("mqtt-tls", "tls.crt");
    SecretKeyRef key = new SecretKeyRef("mqtt-tls", "tls.key");
    SourceSpec source =
        SourceSpec.of(
            MQTT.withCredentials(user, password).withTls(new MqttSource.MqttTls(ca, cert, key)),
            INGEST);
    assertThat(io.tributary.pipeline.SecretRefs.collect(source, List.of(DEDUPE), OUT))
        .containsExactly(password, user, ca, cert, key);
    assertThat(compile(source, List.of(DEDUPE)).problems()).isEmpty();
  }

  private static MqttSource withUri(String uri) {
    return MqttSource.of(uri, List.of("plant/+/temperature"), "msg_id");
  }

  private static PlanCompiler.Result compile(SourceSpec source, List<TransformSpec> steps) {
    return PlanCompiler.compile(
        PipelineDefinition.stream().source(source).transforms(steps).sink(OUT).build(), CONTEXT);
  }

  private static Arguments row(
      String what,
      UnaryOperator<SourceSpec> source,
      List<TransformSpec> steps,
      String path,
      String message) {
    return Arguments.of(what, source, steps, path, message);
  }
}

package io.tributary.pipeline.source;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.SecretKeyRef;
import java.util.List;

/**
 * MQTT messages (IoT sensors) bridged into Kafka: each worker subscribes with QoS 1 and a shared
 * subscription, sends every message to the source's Kafka topic keyed by {@code keyField}, and
 * acknowledges it to the broker only once Kafka has acknowledged the write. The pipeline then reads
 * that topic as a Kafka source. At least once into Kafka; the first transform, a dedupe on {@code
 * keyField}, removes the duplicates within its window.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Rules on the class, not the fields: Fabric8 copies a rule on a record component twice.
@ValidationRule(
    value = "!has(self.protocolVersion) || self.protocolVersion == '3.1.1'",
    fieldPath = ".protocolVersion",
    message = "source.mqtt.protocolVersion: " + MqttSource.PROTOCOL_MESSAGE)
@ValidationRule(
    value = "!has(self.tls) || self.serverUri.startsWith('ssl://')",
    fieldPath = ".tls",
    message =
        "source.mqtt.tls needs a TLS connection: write serverUri as ssl://host:port, or remove"
            + " source.mqtt.tls")
@ValidationRule(
    value = "has(self.usernameSecretRef) || !has(self.passwordSecretRef)",
    fieldPath = ".passwordSecretRef",
    message =
        "source.mqtt.passwordSecretRef needs source.mqtt.usernameSecretRef: MQTT sends a password"
            + " only with a user name; set usernameSecretRef too")
public record MqttSource(
    @Required
        @Pattern("^(tcp|ssl)://[^\\s/:]+:[0-9]+$")
        @JsonPropertyDescription(
            "The broker: tcp://host:port, or ssl://host:port for TLS (with tls for the CA and a"
                + " client certificate).")
        String serverUri,
    @Required
        @Size(min = 1)
        @JsonPropertyDescription(
            "MQTT topic filters to subscribe to with QoS 1, e.g. [sensors/+/temperature];"
                + " payloads are JSON objects. Each is subscribed as"
                + " $share/<shareGroup>/<filter>, so the workers split the messages.")
        List<String> topics,
    @Required
        @Pattern("^[A-Za-z_][A-Za-z0-9_]*$")
        @JsonPropertyDescription(
            "Payload field that identifies a message, e.g. msg_id: the Kafka record key of the"
                + " ingest topic, and the key the first transform (dedupe on [keyField]) removes"
                + " repeats by. QoS 1 delivers at least once, so a message can arrive twice.")
        String keyField,
    @Pattern("^[^/+#\\s]+$")
        @JsonPropertyDescription(
            "Shared-subscription group the workers join ($share/<shareGroup>/...): the broker"
                + " gives each message to one of them. Default: the consumer group,"
                + " tributary-<namespace>-<name>.")
        String shareGroup,
    @JsonPropertyDescription(
            "MQTT protocol version. Only 3.1.1 (the default) is supported; MQTT 5 is refused"
                + " because the worker's client (Eclipse Paho mqttv3) speaks 3.1.1 only.")
        String protocolVersion,
    @JsonPropertyDescription(
            "TLS settings for an ssl:// serverUri: the CA that signed the broker's certificate"
                + " and, for mutual TLS, the client certificate and key.")
        MqttTls tls,
    @JsonPropertyDescription("Secret key holding the MQTT user name.")
        SecretKeyRef usernameSecretRef,
    @JsonPropertyDescription("Secret key holding the MQTT password; needs usernameSecretRef.")
        SecretKeyRef passwordSecretRef) {

  /**
   * Why a protocol version other than 3.1.1 is refused, and the fix; the plan check says it too.
   */
  public static final String PROTOCOL_MESSAGE =
      "only 3.1.1 is supported; MQTT 5 is not built (the worker's"
          + " client, Eclipse Paho mqttv3, speaks MQTT 3.1.1, which every MQTT 5 broker also"
          + " accepts): set protocolVersion: \"3.1.1\" or leave it out";

  /** The only protocol version the worker speaks. */
  public static final String PROTOCOL_3_1_1 = "3.1.1";

  /** Subscribes to {@code topics} on {@code serverUri}, keyed by {@code keyField}, no TLS. */
  public static MqttSource of(String serverUri, List<String> topics, String keyField) {
    return new MqttSource(serverUri, topics, keyField, null, null, null, null, null);
  }

  /** The same source in shared-subscription group {@code group}. */
  public MqttSource withShareGroup(String group) {
    return new MqttSource(
        serverUri,
        topics,
        keyField,
        group,
        protocolVersion,
        tls,
        usernameSecretRef,
        passwordSecretRef);
  }

  /** The same source speaking {@code version}. */
  public MqttSource withProtocolVersion(String version) {
    return new MqttSource(
        serverUri,
        topics,
        keyField,
        shareGroup,
        version,
        tls,
        usernameSecretRef,
        passwordSecretRef);
  }

  /** The same source over TLS with {@code tls}. */
  public MqttSource withTls(MqttTls tls) {
    return new MqttSource(
        serverUri,
        topics,
        keyField,
        shareGroup,
        protocolVersion,
        tls,
        usernameSecretRef,
        passwordSecretRef);
  }

  /** The same source logging in with the user name and password in these Secret keys. */
  public MqttSource withCredentials(SecretKeyRef username, SecretKeyRef password) {
    return new MqttSource(
        serverUri, topics, keyField, shareGroup, protocolVersion, tls, username, password);
  }

  /** Whether the connection uses TLS. */
  public boolean usesTls() {
    return serverUri != null && serverUri.startsWith("ssl://");
  }

  /** TLS settings of an MQTT broker: whom to trust and, for mutual TLS, who the client is. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "has(self.certificateSecretRef) == has(self.keySecretRef)",
      message =
          "source.mqtt.tls.certificateSecretRef and source.mqtt.tls.keySecretRef go together:"
              + " mutual TLS needs the client certificate chain and its private key; set both, or"
              + " neither")
  public record MqttTls(
      @JsonPropertyDescription(
              "Secret key holding the PEM CA certificate(s) that signed the broker's certificate;"
                  + " default: the JVM's trust store.")
          SecretKeyRef caSecretRef,
      @JsonPropertyDescription(
              "Secret key holding the PEM client certificate chain (client certificate first),"
                  + " for mutual TLS; set with keySecretRef.")
          SecretKeyRef certificateSecretRef,
      @JsonPropertyDescription(
              "Secret key holding the client's unencrypted PKCS#8 PEM private key (BEGIN PRIVATE"
                  + " KEY), for mutual TLS; set with certificateSecretRef.")
          SecretKeyRef keySecretRef) {

    /** Whether the client presents a certificate. */
    public boolean mutual() {
      return certificateSecretRef != null && keySecretRef != null;
    }
  }
}

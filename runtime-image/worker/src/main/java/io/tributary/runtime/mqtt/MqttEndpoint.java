package io.tributary.runtime.mqtt;

import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.source.MqttSource;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;

/**
 * How one worker reaches the MQTT broker, read once at start-up: the address, the shared
 * subscriptions, its client id, and the credentials and TLS material read from the mounted Secret
 * files (in memory only; {@link #toString()} shows no secret).
 *
 * @param subscriptions the plan's filters as {@code $share/<shareGroup>/<filter>}
 * @param clientId {@code <shareGroup>-<instance>}: stable for a pod, so a restarted container
 *     resumes its persistent session and gets the messages it had not acknowledged
 * @param socketFactory TLS for an ssl:// broker, else null
 */
public record MqttEndpoint(
    String serverUri,
    List<String> subscriptions,
    String clientId,
    String keyField,
    String username,
    String password,
    SSLSocketFactory socketFactory) {

  /** Reads a Secret key; {@code field} names it in the plan for an error. */
  public interface SecretReader {
    String read(SecretKeyRef ref, String field);
  }

  /**
   * @param source the plan's source.mqtt, every default applied
   * @param instanceId this worker's stable identity (the pod name)
   * @throws IllegalArgumentException when the TLS material cannot be read, naming the field
   */
  public static MqttEndpoint of(MqttSource source, String instanceId, SecretReader secrets) {
    String group = source.shareGroup();
    List<String> subscriptions =
        source.topics().stream().map(f -> "$share/" + group + "/" + f).toList();
    SSLSocketFactory tls = null;
    if (source.usesTls()) {
      MqttSource.MqttTls t = source.tls();
      String where = "source.mqtt.tls.";
      tls =
          t == null
              ? PemTls.socketFactory(null, null, null)
              : PemTls.socketFactory(
                  read(secrets, t.caSecretRef(), where + "caSecretRef"),
                  read(secrets, t.certificateSecretRef(), where + "certificateSecretRef"),
                  read(secrets, t.keySecretRef(), where + "keySecretRef"));
    }
    return new MqttEndpoint(
        source.serverUri(),
        subscriptions,
        group + "-" + instanceId,
        source.keyField(),
        read(secrets, source.usernameSecretRef(), "source.mqtt.usernameSecretRef"),
        read(secrets, source.passwordSecretRef(), "source.mqtt.passwordSecretRef"),
        tls);
  }

  private static String read(SecretReader secrets, SecretKeyRef ref, String field) {
    return ref == null ? null : secrets.read(ref, field);
  }

  @Override
  public String toString() {
    return "MqttEndpoint[" + serverUri + " " + subscriptions + " as " + clientId + "]";
  }
}

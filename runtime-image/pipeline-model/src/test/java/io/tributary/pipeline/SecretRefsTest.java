package io.tributary.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tributary.pipeline.plan.PlanJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Secrets a pipeline references are exactly the ones the operator mounts and the worker checks
 * at start-up; specs are built from JSON, as a user writes them.
 */
class SecretRefsTest {
  private static <T> T json(String text, Class<T> type) throws JsonProcessingException {
    return PlanJson.mapper().readValue(text, type);
  }

  @Test
  void everyReferenceOfSourceTransformsAndSinkIsCollectedOnceSortedByNameThenKey()
      throws Exception {
    SourceSpec source =
        json(
            """
            {"jdbc": {"url": "jdbc:postgresql://db/crm", "table": "customers",
                      "userSecretRef": {"name": "crm-db", "key": "user"},
                      "passwordSecretRef": {"name": "crm-db", "key": "password"}}}
            """,
            SourceSpec.class);
    List<TransformSpec> transforms =
        List.of(
            json(
                """
                {"mask": {"keySecretRef": {"name": "mask-key", "key": "hmac"},
                          "fields": [{"field": "email", "method": "hmac"}]}}
                """,
                TransformSpec.class),
            json("{\"filter\": {\"expression\": \"true\"}}", TransformSpec.class),
            // The same key again in a second mask step: mounted once, listed once.
            json(
                "{\"mask\": {\"keySecretRef\": {\"name\": \"mask-key\", \"key\": \"hmac\"}}}",
                TransformSpec.class));
    SinkSpec sink =
        json(
            """
            {"featureStore": {"redisAddress": "redis:6379", "featureView": "customer",
                              "passwordSecretRef": {"name": "crm-db", "key": "password"}}}
            """,
            SinkSpec.class);

    List<SecretKeyRef> refs = SecretRefs.collect(source, transforms, sink);

    assertThat(refs)
        .containsExactly(
            new SecretKeyRef("crm-db", "password"),
            new SecretKeyRef("crm-db", "user"),
            new SecretKeyRef("mask-key", "hmac"));
    assertThat(SecretRefs.names(refs)).containsExactly("crm-db", "mask-key");
  }

  @Test
  void kafkaSecuritySettingsOfSourceAndSinkCount() throws Exception {
    SourceSpec source =
        json(
            """
            {"kafka": {"bootstrapServers": "kafka:9093", "topics": ["in"],
                       "security": {"protocol": "SASL_SSL",
                         "tls": {"caSecretRef": {"name": "kafka-ca", "key": "ca.crt"}},
                         "sasl": {"mechanism": "SCRAM-SHA-512",
                                  "usernameSecretRef": {"name": "team-kafka", "key": "user"},
                                  "passwordSecretRef": {"name": "team-kafka", "key": "pass"}}}}}
            """,
            SourceSpec.class);
    SinkSpec sink =
        json(
            """
            {"kafka": {"bootstrapServers": "other:9093", "topic": "out",
                       "security": {"protocol": "SSL",
                         "tls": {"caSecretRef": {"name": "kafka-ca", "key": "ca.crt"},
                                 "certificateSecretRef": {"name": "client", "key": "tls.crt"},
                                 "keySecretRef": {"name": "client", "key": "tls.key"}}}}}
            """,
            SinkSpec.class);

    assertThat(SecretRefs.collect(source, List.of(), sink))
        .containsExactly(
            new SecretKeyRef("client", "tls.crt"),
            new SecretKeyRef("client", "tls.key"),
            new SecretKeyRef("kafka-ca", "ca.crt"),
            new SecretKeyRef("team-kafka", "pass"),
            new SecretKeyRef("team-kafka", "user"));
  }

  @Test
  void httpAuthAndJdbcSinkCredentialsCount() throws Exception {
    SourceSpec source =
        json(
            """
            {"http": {"url": "https://api.example.com/v1/orders",
                      "authSecretRef": {"name": "orders-api", "key": "token"}}}
            """,
            SourceSpec.class);
    SinkSpec sink =
        json(
            """
            {"jdbc": {"url": "jdbc:postgresql://dw/dw", "table": "orders",
                      "userSecretRef": {"name": "dw", "key": "user"},
                      "passwordSecretRef": {"name": "dw", "key": "password"}}}
            """,
            SinkSpec.class);

    assertThat(SecretRefs.collect(source, null, sink))
        .containsExactly(
            new SecretKeyRef("dw", "password"),
            new SecretKeyRef("dw", "user"),
            new SecretKeyRef("orders-api", "token"));
  }

  @Test
  void aPipelineWithoutCredentialsReferencesNothing() throws Exception {
    SourceSpec files =
        json("{\"files\": {\"path\": \"/data/in/*.csv\", \"format\": \"csv\"}}", SourceSpec.class);
    SinkSpec lake =
        json("{\"lake\": {\"path\": \"/lake/out\", \"format\": \"parquet\"}}", SinkSpec.class);

    assertThat(SecretRefs.collect(files, List.of(), lake)).isEmpty();
    assertThat(SecretRefs.collect(null, null, null)).isEmpty();
  }

  @Test
  void theRuntimeFindsAKeyUnderItsSecretsName() {
    assertThat(SecretRefs.path("/etc/tributary/secrets", new SecretKeyRef("crm-db", "password")))
        .isEqualTo("/etc/tributary/secrets/crm-db/password");
  }
}

package io.tributary.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.render.PlanRenderer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every address a pipeline names, read from its compiled plan: one row per way of naming one. Each
 * address is {@code field host:port tls|plain worker|operator}, in the order the plan names them.
 */
class EndpointAddressesTest {

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # kind | spec (YAML flow, inside spec:) | addresses, ';' between them
          dp | source: {jdbc: {url: 'jdbc:postgresql://crm-db.analytics.svc:5432/crm', table: t}}, sink: {lake: {path: /lake/x, format: parquet}} | spec.source.jdbc.url crm-db.analytics.svc:5432 plain worker
          dp | source: {jdbc: {url: 'jdbc:postgresql://CRM-DB.example.com/crm?sslmode=verify-full', table: t}}, sink: {lake: {path: /lake/x, format: parquet}} | spec.source.jdbc.url crm-db.example.com:5432 tls worker
          dp | source: {jdbc: {url: 'jdbc:postgresql://db1:5433,db2/crm?ssl=true', table: t}}, sink: {lake: {path: /lake/x, format: parquet}} | spec.source.jdbc.url db1:5433 tls worker; spec.source.jdbc.url db2:5432 tls worker
          dp | source: {jdbc: {url: 'jdbc:postgresql://db:5432/crm?sslmode=prefer', table: t}}, sink: {lake: {path: /lake/x, format: parquet}} | spec.source.jdbc.url db:5432 plain worker
          dp | source: {jdbc: {url: 'jdbc:postgresql://[fd00::12]:6432/crm', table: t}}, sink: {lake: {path: /lake/x, format: parquet}} | spec.source.jdbc.url [fd00::12]:6432 plain worker
          dp | source: {jdbc: {url: 'jdbc:postgresql://db:5432/crm', table: t}}, sink: {lake: {path: 's3://lake/x', format: parquet, s3: {endpoint: 'http://s3.example.svc:8333', pathStyle: true, accessKeyIdSecretRef: {name: s, key: a}, secretAccessKeySecretRef: {name: s, key: b}}}} | spec.source.jdbc.url db:5432 plain worker; spec.sink.lake.s3.endpoint s3.example.svc:8333 plain worker
          dp | source: {files: {path: 's3://in/x/*.csv', format: csv, s3: {region: eu-west-1, accessKeyIdSecretRef: {name: s, key: a}, secretAccessKeySecretRef: {name: s, key: b}}}}, sink: {kafka: {bootstrapServers: 'k:9092', topic: t}} | spec.source.files.s3.region s3.eu-west-1.amazonaws.com:443 tls worker; spec.sink.kafka.bootstrapServers k:9092 plain worker
          dp | source: {jdbc: {url: 'jdbc:postgresql:crm', table: t}}, sink: {lake: {path: /lake/x, format: parquet}} | spec.source.jdbc.url localhost:5432 plain worker
          dp | source: {files: {path: /in/*.csv, format: csv}}, sink: {jdbc: {url: 'jdbc:postgresql://dwh.example.com:5432/dwh', table: t}} | spec.sink.jdbc.url dwh.example.com:5432 plain worker
          dp | source: {http: {url: 'https://api.example.com/v1/orders'}}, sink: {lake: {path: /lake/x, format: jsonl}} | spec.source.http.url api.example.com:443 tls worker
          dp | source: {http: {url: 'http://api.example.com:8080/v1/orders'}}, sink: {lake: {path: /lake/x, format: jsonl}} | spec.source.http.url api.example.com:8080 plain worker
          dp | source: {files: {path: /in/*.jsonl, format: jsonl}}, sink: {lake: {path: /lake/x, format: jsonl}} | -
          dp | source: {kafka: {bootstrapServers: 'b1.kafka:9093,b2.kafka:9093', topics: [t], security: {protocol: SSL}}}, sink: {lake: {path: /lake/x, format: jsonl}} | spec.source.kafka.bootstrapServers b1.kafka:9093 tls worker; spec.source.kafka.bootstrapServers b2.kafka:9093 tls worker
          dp | source: {kafka: {bootstrapServers: 'kafka:9092', topics: [t], saslJaasSecretRef: {name: s, key: k}}}, sink: {lake: {path: /lake/x, format: jsonl}} | spec.source.kafka.bootstrapServers kafka:9092 tls worker
          dp | source: {files: {path: /in/*.jsonl, format: jsonl}}, sink: {lake: {path: /w, format: iceberg, iceberg: {table: a.b, catalog: {url: 'jdbc:postgresql://iceberg-catalog.lake.svc:5432/iceberg'}}}}, schema: {fields: [{name: id, type: integer}]} | spec.sink.lake.iceberg.catalog.url iceberg-catalog.lake.svc:5432 plain worker
          dp | source: {kafka: {bootstrapServers: 'in:9092', topics: [t]}}, sink: {kafka: {bootstrapServers: 'out:9093', topic: o, security: {protocol: SSL}}}, deadLetter: {topic: dlq} | spec.source.kafka.bootstrapServers in:9092 plain worker; spec.sink.kafka.bootstrapServers out:9093 tls worker; spec.deadLetter.topic out:9093 tls worker
          dp | source: {kafka: {bootstrapServers: 'in:9092', topics: [t]}}, transforms: [{consent: {purpose: p, subjectField: id, topic: c}}], sink: {lake: {path: /lake/x, format: jsonl}} | spec.source.kafka.bootstrapServers in:9092 plain worker; spec.transforms[0].consent.bootstrapServers in:9092 plain worker
          dp | source: {files: {path: /in/*.jsonl, format: jsonl}}, transforms: [{consent: {purpose: p, subjectField: id, topic: c, bootstrapServers: 'consent.example.com:9092'}}], sink: {lake: {path: /lake/x, format: jsonl}} | spec.transforms[0].consent.bootstrapServers consent.example.com:9092 plain worker
          dp | source: {files: {path: /in/*.jsonl, format: jsonl}}, sink: {lake: {path: /lake/x, format: jsonl}}, events: {http: {url: 'https://hooks.example.com/runs'}} | spec.events.http.url hooks.example.com:443 tls worker
          dp | source: {files: {path: /in/*.jsonl, format: jsonl}}, sink: {lake: {path: /lake/x, format: jsonl}}, events: {kafka: {bootstrapServers: 'events:9092', topic: e}} | spec.events.kafka.bootstrapServers events:9092 plain worker
          dp | source: {files: {path: /in/*.jsonl, format: jsonl}}, transforms: [{infer: {remote: {url: 'https://models.example.com/kserve', model: fraud}, inputs: [{tensor: x, fields: [a]}], outputs: [{tensor: y, field: s}]}}], sink: {lake: {path: /lake/x, format: jsonl}} | spec.transforms[0].infer.remote.url models.example.com:443 tls worker
          dp | source: {files: {path: /in/*.jsonl, format: jsonl}}, transforms: [{infer: {model: {uri: 's3://models/fraud/v3.onnx', s3: {endpoint: 'https://models.s3.example.com', accessKeyIdSecretRef: {name: s, key: a}, secretAccessKeySecretRef: {name: s, key: b}}}, inputs: [{tensor: x, fields: [a]}], outputs: [{tensor: y, field: s}]}}], sink: {lake: {path: /lake/x, format: jsonl}} | spec.transforms[0].infer.model.s3.endpoint models.s3.example.com:443 tls worker
          dp | source: {files: {path: /in/*.jsonl, format: jsonl}}, transforms: [{infer: {model: {uri: 's3://models/fraud/v3.onnx', s3: {region: me-central-1, accessKeyIdSecretRef: {name: s, key: a}, secretAccessKeySecretRef: {name: s, key: b}}}, inputs: [{tensor: x, fields: [a]}], outputs: [{tensor: y, field: s}]}}], sink: {lake: {path: /lake/x, format: jsonl}} | spec.transforms[0].infer.model.s3.region s3.me-central-1.amazonaws.com:443 tls worker
          dp | source: {files: {path: /in/*.jsonl, format: jsonl}}, transforms: [{infer: {model: {configMap: {name: m, key: m.onnx}}, inputs: [{tensor: x, fields: [a]}], outputs: [{tensor: y, field: s}]}}], sink: {lake: {path: /lake/x, format: jsonl}} | -
          sj | source: {mqtt: {serverUri: 'tcp://mqtt.plant.svc:1883', topics: [plant/+/t], keyField: id}, kafka: {bootstrapServers: 'kafka:9092', topics: [ingest]}}, transforms: [{dedupe: {keyFields: [id], window: 10m}}, {infer: {remote: {url: 'http://fraud.models.svc:8080', model: fraud}, inputs: [{tensor: x, fields: [a]}], outputs: [{tensor: y, field: s}]}}], sink: {kafka: {bootstrapServers: 'kafka:9092', topic: o}} | spec.source.mqtt.serverUri mqtt.plant.svc:1883 plain worker; spec.source.kafka.bootstrapServers kafka:9092 plain worker; spec.transforms[1].infer.remote.url fraud.models.svc:8080 plain worker; spec.sink.kafka.bootstrapServers kafka:9092 plain worker; spec.deadLetter.topic kafka:9092 plain worker
          sj | source: {mqtt: {serverUri: 'ssl://MQTT.example.com:8883', topics: [plant/+/t], keyField: id, tls: {caSecretRef: {name: s, key: ca.crt}}}, kafka: {bootstrapServers: 'kafka:9092', topics: [ingest]}}, transforms: [{dedupe: {keyFields: [id], window: 10m}}], sink: {kafka: {bootstrapServers: 'kafka:9092', topic: o}} | spec.source.mqtt.serverUri mqtt.example.com:8883 tls worker; spec.source.kafka.bootstrapServers kafka:9092 plain worker; spec.sink.kafka.bootstrapServers kafka:9092 plain worker; spec.deadLetter.topic kafka:9092 plain worker
          sj | source: {kafka: {bootstrapServers: 'kafka.tributary-system.svc:9092', topics: [t]}}, sink: {featureStore: {redisAddress: 'redis.feature-store.svc:6379', featureView: v, entityKeys: [id]}}, guarantee: at-least-once | spec.source.kafka.bootstrapServers kafka.tributary-system.svc:9092 plain worker; spec.sink.featureStore.redisAddress redis.feature-store.svc:6379 plain worker; spec.deadLetter.topic kafka.tributary-system.svc:9092 plain worker
          sj | source: {kafka: {bootstrapServers: 'kafka:9092', topics: [t]}}, sink: {lake: {path: 's3://lake/w', format: iceberg, iceberg: {table: a.b, catalog: {url: 'jdbc:postgresql://iceberg-catalog.lake.svc:5432/iceberg'}}, s3: {endpoint: 'http://s3.lake.svc:8333', pathStyle: true, accessKeyIdSecretRef: {name: s, key: a}, secretAccessKeySecretRef: {name: s, key: b}}}}, schema: {fields: [{name: id, type: integer}]} | spec.source.kafka.bootstrapServers kafka:9092 plain worker; spec.sink.lake.s3.endpoint s3.lake.svc:8333 plain worker; spec.sink.lake.iceberg.catalog.url iceberg-catalog.lake.svc:5432 plain worker; spec.deadLetter.topic kafka:9092 plain worker
          sj | source: {kafka: {bootstrapServers: 'kafka:9092', topics: [t]}}, sink: {kafka: {bootstrapServers: 'kafka:9092', topic: o}}, events: {http: {url: 'http://el-retrain.argo-events:12000/fresh'}} | spec.source.kafka.bootstrapServers kafka:9092 plain worker; spec.sink.kafka.bootstrapServers kafka:9092 plain worker; spec.deadLetter.topic kafka:9092 plain worker; spec.events.http.url el-retrain.argo-events:12000 plain operator
          """)
  void everyAddressAPlanNames(String kind, String spec, String expected) {
    assertThat(addresses(kind, spec, OperatorConfig.defaults()))
        .containsExactlyElementsOf(
            expected.equals("-") ? List.of() : List.of(expected.split("; ")));
  }

  /** The lineage target is the operator's setting, and every worker sends to it. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # lineage settings (TRIBUTARY_LINEAGE_*) | the lineage address
          console                                                    | -
          http https://marquez.example.com/api/v1/lineage            | the operator's lineage.url (TRIBUTARY_LINEAGE_URL) marquez.example.com:443 tls worker
          kafka lineage.example.com:9092                             | the operator's lineage.bootstrapServers (TRIBUTARY_LINEAGE_BOOTSTRAP_SERVERS) lineage.example.com:9092 plain worker
          kafka in.example.com:9093                                  | the operator's lineage.bootstrapServers (TRIBUTARY_LINEAGE_BOOTSTRAP_SERVERS) in.example.com:9093 tls worker
          """)
  void theLineageTargetCounts(String lineage, String expected) {
    String[] words = lineage.split(" ");
    OperatorConfig config =
        OperatorConfig.fromEnv(
            switch (words[0]) {
              case "http" ->
                  Map.of("TRIBUTARY_LINEAGE_TRANSPORT", "http", "TRIBUTARY_LINEAGE_URL", words[1]);
              case "kafka" ->
                  Map.of(
                      "TRIBUTARY_LINEAGE_TRANSPORT", "kafka",
                      "TRIBUTARY_LINEAGE_TOPIC", "lineage",
                      "TRIBUTARY_LINEAGE_BOOTSTRAP_SERVERS", words[1]);
              default -> Map.of();
            });
    List<String> all =
        addresses(
            "dp",
            "source: {kafka: {bootstrapServers: 'in.example.com:9093', topics: [t], security:"
                + " {protocol: SSL}}}, sink: {lake: {path: /lake/x, format: jsonl}}",
            config);
    assertThat(all.get(0))
        .isEqualTo("spec.source.kafka.bootstrapServers in.example.com:9093 tls worker");
    assertThat(all.subList(1, all.size()))
        .containsExactlyElementsOf(expected.equals("-") ? List.of() : List.of(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # a JDBC URL whose address cannot be told | the problem
          jdbc:mysql://db/x     | spec.source.jdbc.url: cannot tell the host and port of 'jdbc:mysql://db/x': write jdbc:mysql://host:port/...
          jdbc:sqlserver:x      | spec.source.jdbc.url: cannot tell the host and port of 'jdbc:sqlserver:x': write jdbc:sqlserver://host:port/...
          """)
  void anAddressThatCannotBeToldIsAProblem(String url, String problem) {
    var plan =
        PlanRenderer.batch(
            pipeline(
                "source: {jdbc: {url: '"
                    + url
                    + "', table: t}}, sink: {lake: {path: /lake/x, format: jsonl}}"),
            OperatorConfig.defaults(),
            null);
    var found = EndpointAddresses.of(plan);
    assertThat(found.addresses()).isEmpty();
    assertThat(found.problems()).containsExactly(problem);
  }

  private static List<String> addresses(String kind, String spec, OperatorConfig config) {
    var plan =
        kind.equals("dp")
            ? PlanRenderer.batch(pipeline(spec), config, null)
            : PlanRenderer.stream(job(spec), config);
    var found = EndpointAddresses.of(plan);
    assertThat(found.problems()).isEmpty();
    return found.addresses().stream()
        .map(
            a ->
                a.field()
                    + " "
                    + a.hostPort()
                    + " "
                    + (a.tls() ? "tls" : "plain")
                    + " "
                    + (a.worker() ? "worker" : "operator"))
        .toList();
  }

  static DataPipeline pipeline(String spec) {
    return Serialization.unmarshal(
        "apiVersion: tributary.io/v1alpha1\nkind: DataPipeline\nmetadata: {name: p, namespace:"
            + " analytics, uid: u}\nspec: {"
            + spec
            + "}\n",
        DataPipeline.class);
  }

  static StreamJob job(String spec) {
    return Serialization.unmarshal(
        "apiVersion: tributary.io/v1alpha1\nkind: StreamJob\nmetadata: {name: j, namespace:"
            + " payments, uid: u}\nspec: {"
            + spec
            + "}\n",
        StreamJob.class);
  }
}

package io.tributary.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.tributary.operator.api.DataEndpointSpec;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.TransformSetSpec;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.policy.EndpointAddresses.Address;
import io.tributary.operator.render.PlanRenderer;
import io.tributary.operator.validate.SpecChecks;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.pipeline.source.KafkaSource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the endpoint catalog says about a pipeline's addresses: which entries cover them, which
 * region decides, and what is refused. "-" is an unset value.
 */
class EndpointCatalogTest {
  private static final String UAE = "me-central-1";

  /** The catalog of every row. */
  private static final EndpointCatalog CATALOG =
      EndpointCatalog.enforced(
          List.of(
              entry("uae-kafka", UAE, "[kafka.uae.example.com, 10.0.0.12]", "[9092, 9093]", false),
              entry("uae-brokers", UAE, "['*.kafka.uae.example.com']", "[9092]", false),
              entry("eu-kafka", "eu-west-1", "['*.eu.example.com']", "[9092]", false),
              entry("eu-b1", UAE, "[b1.eu.example.com]", "[9092]", false),
              entry("uae-db", UAE, "[db.uae.example.com]", "[5432]", true),
              entry("twin-a", UAE, "[twin.example.com]", "[443]", false),
              entry("twin-b", "eu-west-1", "[twin.example.com]", "[443]", false),
              entry("uae-mqtt", UAE, "[mqtt.uae.example.com]", "[1883, 8883]", true),
              entry("uae-models", UAE, "[models.uae.example.com]", "[8080]", false)));

  @ParameterizedTest(name = "{0} {1} tls={2} in {3} -> {4} {5}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # field                              | host:port                  | tls   | region       | reason               | entries used
          spec.source.kafka.bootstrapServers   | kafka.uae.example.com:9092 | false | me-central-1 | -                    | uae-kafka
          spec.source.kafka.bootstrapServers   | KAFKA.uae.example.com:9093 | true  | me-central-1 | -                    | uae-kafka
          spec.source.kafka.bootstrapServers   | 10.0.0.12:9092             | false | -            | -                    | uae-kafka
          spec.source.kafka.bootstrapServers   | kafka.uae.example.com:9094 | false | me-central-1 | EndpointNotInCatalog | -
          spec.source.kafka.bootstrapServers   | b7.kafka.uae.example.com:9092 | false | me-central-1 | -                 | uae-brokers
          spec.source.kafka.bootstrapServers   | x.b7.kafka.uae.example.com:9092 | false | me-central-1 | -               | uae-brokers
          spec.source.kafka.bootstrapServers   | kafka2.uae.example.com:9092 | false | me-central-1 | EndpointNotInCatalog | -
          spec.sink.kafka.bootstrapServers     | b2.eu.example.com:9092     | false | me-central-1 | ResidencyViolation   | eu-kafka
          spec.sink.kafka.bootstrapServers     | b2.eu.example.com:9092     | false | eu-west-1    | -                    | eu-kafka
          spec.sink.kafka.bootstrapServers     | b2.eu.example.com:9092     | false | -            | -                    | eu-kafka
          spec.sink.kafka.bootstrapServers     | b1.eu.example.com:9092     | false | me-central-1 | -                    | eu-b1
          spec.sink.jdbc.url                   | db.uae.example.com:5432    | false | me-central-1 | EndpointRequiresTls  | uae-db
          spec.sink.jdbc.url                   | db.uae.example.com:5432    | true  | me-central-1 | -                    | uae-db
          spec.source.http.url                 | twin.example.com:443       | true  | me-central-1 | ResidencyViolation   | twin-a twin-b
          spec.source.mqtt.serverUri           | mqtt.uae.example.com:8883  | true  | me-central-1 | -                    | uae-mqtt
          spec.source.mqtt.serverUri           | mqtt.uae.example.com:1883  | false | me-central-1 | EndpointRequiresTls  | uae-mqtt
          spec.source.mqtt.serverUri           | mqtt.eu.example.com:1883   | false | me-central-1 | EndpointNotInCatalog | -
          spec.transforms[1].infer.remote.url  | models.uae.example.com:8080 | false | me-central-1 | -                   | uae-models
          spec.transforms[1].infer.remote.url  | models.uae.example.com:8081 | false | me-central-1 | EndpointNotInCatalog | -
          spec.source.http.url                 | twin.example.com:443       | true  | -            | -                    | twin-a twin-b
          """)
  void resolvesEachAddressToTheMostSpecificEntries(
      String field, String hostPort, boolean tls, String region, String reason, String used) {
    int colon = hostPort.lastIndexOf(':');
    Address a =
        new Address(
            field,
            EndpointAddresses.normalize(hostPort.substring(0, colon)),
            Integer.parseInt(hostPort.substring(colon + 1)),
            tls,
            true);
    var resolution =
        CATALOG.resolve(
            new EndpointAddresses.Extraction(List.of(a), List.of()),
            new ResidencyPolicy.Residency(unset(region), null),
            null,
            null);
    assertThat(resolution.restrictsEgress()).isTrue();
    assertThat(resolution.problem().map(p -> p.reason().name()).orElse("-")).isEqualTo(reason);
    if (!reason.equals("EndpointNotInCatalog")) {
      assertThat(resolution.workerEntries())
          .extracting(EndpointCatalog.Entry::name)
          .containsExactlyElementsOf(Arrays.asList(used.split(" ")));
    } else {
      assertThat(resolution.workerEntries()).isEmpty();
    }
  }

  @Test
  void aMissingAddressNamesTheFieldTheAddressAndTheFix() {
    var resolution = resolve(address("spec.sink.kafka.bootstrapServers", "k.other.com", 9092), UAE);
    assertThat(resolution.problem().orElseThrow().message())
        .isEqualTo(
            "spec.sink.kafka.bootstrapServers: k.other.com:9092 is in no DataEndpoint of the"
                + " endpoint catalog: ask the platform team for a DataEndpoint covering"
                + " k.other.com:9092 (kubectl get dataendpoints lists the catalog)");
  }

  @Test
  void aResidencyViolationNamesTheEndpointAndBothRegions() {
    var resolution =
        resolve(address("spec.sink.kafka.bootstrapServers", "b2.eu.example.com", 9092), UAE);
    assertThat(resolution.problem().orElseThrow().message())
        .isEqualTo(
            "spec.sink.kafka.bootstrapServers: b2.eu.example.com:9092 is DataEndpoint eu-kafka in"
                + " eu-west-1 but the data must stay in me-central-1: use an endpoint in"
                + " me-central-1");
  }

  @Test
  void aResidencyViolationWinsOverAMissingAddress() {
    var resolution =
        resolve(
            List.of(
                address("spec.source.kafka.bootstrapServers", "nowhere.example.com", 9092),
                address("spec.sink.kafka.bootstrapServers", "b2.eu.example.com", 9092)),
            UAE);
    assertThat(resolution.problem().orElseThrow().reason().name()).isEqualTo("ResidencyViolation");
  }

  @Test
  void plaintextToAnEndpointRequiringTlsSaysHowToTurnItOn() {
    var resolution = resolve(address("spec.sink.jdbc.url", "db.uae.example.com", 5432), UAE);
    assertThat(resolution.problem().orElseThrow().message())
        .isEqualTo(
            "spec.sink.jdbc.url: DataEndpoint uae-db requires TLS but db.uae.example.com:5432 is"
                + " reached without it: add sslmode=verify-full to the URL");
  }

  @Test
  void plaintextMqttToABrokerRequiringTlsSaysHowToTurnItOn() {
    var resolution =
        resolve(address("spec.source.mqtt.serverUri", "mqtt.uae.example.com", 1883), UAE);
    assertThat(resolution.problem().orElseThrow().message())
        .isEqualTo(
            "spec.source.mqtt.serverUri: DataEndpoint uae-mqtt requires TLS but"
                + " mqtt.uae.example.com:1883 is reached without it: write serverUri as"
                + " ssl://host:port (with source.mqtt.tls for the broker's CA)");
  }

  /**
   * A TransformSet's model server is named as the set's step, where the set's author can see it,
   * and covered by the catalog like any address of the pipeline's own.
   */
  @Test
  void aModelServerOfATransformSetIsCheckedAndNamedInTheSet() {
    StreamJob job =
        EndpointAddressesTest.job(
            "source: {kafka: {bootstrapServers: 'kafka.uae.example.com:9092', topics: [t]}},"
                + " transforms: [{transformSet: {name: scoring}}], sink: {kafka:"
                + " {bootstrapServers: 'kafka.uae.example.com:9092', topic: o}}");
    var residency = new ResidencyPolicy.Residency(UAE, null);
    var covered = scoring("http://models.uae.example.com:8080");
    var resolution =
        SpecChecks.endpoints(
            CATALOG,
            PlanRenderer.stream(job, covered, OperatorConfig.defaults()),
            residency,
            job.getSpec(),
            covered);
    assertThat(resolution.problem()).isEmpty();
    assertThat(resolution.workerEntries())
        .extracting(EndpointCatalog.Entry::name)
        .containsExactly("uae-kafka", "uae-models");

    var elsewhere = scoring("http://models.other.example.com:8080");
    resolution =
        SpecChecks.endpoints(
            CATALOG,
            PlanRenderer.stream(job, elsewhere, OperatorConfig.defaults()),
            residency,
            job.getSpec(),
            elsewhere);
    assertThat(resolution.problem().orElseThrow().message())
        .isEqualTo(
            "spec.transforms[0]: TransformSet scoring spec.transforms[0].infer.remote.url:"
                + " models.other.example.com:8080 is in no DataEndpoint of the endpoint catalog:"
                + " ask the platform team for a DataEndpoint covering"
                + " models.other.example.com:8080 (kubectl get dataendpoints lists the catalog)");
  }

  private static Map<String, TransformSetSpec> scoring(String url) {
    return Map.of(
        "scoring",
        Serialization.unmarshal(
            "transforms: [{name: score, infer: {remote: {url: '"
                + url
                + "', model: fraud}, inputs: [{tensor: x, fields: [a]}], outputs: [{tensor: y,"
                + " field: s}]}}]",
            TransformSetSpec.class));
  }

  /** The author's own claim about a source's region yields to the catalog's. */
  @Test
  void aSourceRegionTheCatalogContradictsIsRefused() {
    var source =
        SourceSpec.of(KafkaSource.of("b2.eu.example.com:9092", List.of("t"))).inRegion(UAE);
    var resolution =
        CATALOG.resolve(
            new EndpointAddresses.Extraction(
                List.of(address("spec.source.kafka.bootstrapServers", "b2.eu.example.com", 9092)),
                List.of()),
            ResidencyPolicy.Residency.none(),
            source,
            SinkSpec.of(new LakeSink("/lake/x", FileFormat.JSONL, null)));
    assertThat(resolution.problem().orElseThrow().message())
        .isEqualTo(
            "spec.source.region is me-central-1 but the endpoint catalog puts"
                + " b2.eu.example.com:9092 (DataEndpoint eu-kafka) in eu-west-1: the catalog"
                + " decides; remove spec.source.region or set it to eu-west-1");
  }

  /**
   * Only what the workers connect to opens their egress; the operator sends a StreamJob's events.
   */
  @Test
  void addressesOnlyTheOperatorReachesOpenNoWorkerEgress() {
    var operatorOnly = new Address("spec.events.http.url", "twin.example.com", 443, true, false);
    var resolution =
        CATALOG.resolve(
            new EndpointAddresses.Extraction(
                List.of(
                    address("spec.source.kafka.bootstrapServers", "kafka.uae.example.com", 9092),
                    operatorOnly),
                List.of()),
            ResidencyPolicy.Residency.none(),
            null,
            null);
    assertThat(resolution.problem()).isEmpty();
    assertThat(resolution.workerEntries())
        .extracting(EndpointCatalog.Entry::name)
        .containsExactly("uae-kafka");
  }

  @Test
  void offTheCatalogRefusesNothingAndLeavesEgressOpen() {
    var resolution =
        EndpointCatalog.off()
            .resolve(
                new EndpointAddresses.Extraction(
                    List.of(address("spec.source.http.url", "anything.example.com", 443)),
                    List.of()),
                new ResidencyPolicy.Residency(UAE, null),
                null,
                null);
    assertThat(resolution.problem()).isEmpty();
    assertThat(resolution.restrictsEgress()).isFalse();
  }

  @Test
  void anEmptyCatalogEnforcedRefusesEveryAddressAndOpensOnlyDns() {
    var resolution =
        EndpointCatalog.enforced(List.of())
            .resolve(
                new EndpointAddresses.Extraction(
                    List.of(address("spec.source.http.url", "api.example.com", 443)), List.of()),
                ResidencyPolicy.Residency.none(),
                null,
                null);
    assertThat(resolution.problem().orElseThrow().reason().name())
        .isEqualTo("EndpointNotInCatalog");
    assertThat(resolution.restrictsEgress()).isTrue();
    assertThat(resolution.workerEntries()).isEmpty();
  }

  private static EndpointCatalog.Resolution resolve(Address a, String region) {
    return resolve(List.of(a), region);
  }

  private static EndpointCatalog.Resolution resolve(List<Address> addresses, String region) {
    return CATALOG.resolve(
        new EndpointAddresses.Extraction(addresses, List.of()),
        new ResidencyPolicy.Residency(region, null),
        null,
        null);
  }

  private static Address address(String field, String host, int port) {
    return new Address(field, host, port, false, true);
  }

  private static EndpointCatalog.Entry entry(
      String name, String region, String hosts, String ports, boolean tls) {
    return new EndpointCatalog.Entry(
        name,
        Serialization.unmarshal(
            "type: other\nregion: "
                + region
                + "\nhosts: "
                + hosts
                + "\nports: "
                + ports
                + "\ntls: {required: "
                + tls
                + "}\negress: {to: [{ipBlock: {cidr: 10.0.0.0/8}}]}\n",
            DataEndpointSpec.class));
  }

  private static String unset(String v) {
    return v == null || v.equals("-") ? null : v;
  }
}

package io.tributary.operator.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ValidateTest {
  static final Path SAMPLES = Path.of("../config/samples");
  static final Path INVALID = Path.of("../e2e/src/test/resources/invalid");
  private static final String EXPECT = "# expect: ";

  @TempDir Path dir;

  record Outcome(int status, List<String> lines, String err) {}

  static Outcome validateStdin(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Validate.run(
            List.of(args),
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(
        status,
        out.toString(StandardCharsets.UTF_8).lines().toList(),
        err.toString(StandardCharsets.UTF_8));
  }

  static Outcome validate(String... args) {
    return validateStdin("", args);
  }

  static List<Path> invalidCorpus() throws IOException {
    try (Stream<Path> files = Files.list(INVALID)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @Test
  void theSamplesAreValid() {
    Outcome o = validate(SAMPLES.toString());
    assertThat(o.lines()).isEmpty();
    assertThat(o.status()).as(o.err()).isEqualTo(Validate.OK);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidCorpus")
  void eachInvalidManifestIsRefusedWithItsExpectedMessage(Path file) throws IOException {
    String expected =
        Files.readString(file).lines().findFirst().orElseThrow().substring(EXPECT.length()).strip();
    Outcome o = validate(file.toString());
    assertThat(o.status()).isEqualTo(Validate.PROBLEMS);
    assertThat(o.lines()).anyMatch(l -> l.contains(expected));
    assertThat(o.lines()).allMatch(l -> l.matches("\\Q" + file + "\\E:\\d+: \\w+/[-a-z0-9/]+: .*"));
  }

  @Test
  void anExpressionNamingAMissingFieldIsReportedAtItsLine() throws IOException {
    Path file =
        write(
            "dp.yaml",
            pipeline("orders", "", "")
                + """
                  transforms:
                    - name: big
                      filter:
                        expression: "amount_eur > 100.0"
                """);
    Outcome o = validate(file.toString());
    assertThat(o.status()).isEqualTo(Validate.PROBLEMS);
    assertThat(o.lines())
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .isEqualTo(
                        file
                            + ":16: DataPipeline/shop/orders: spec.transforms[0].filter.expression:"
                            + " CEL refers to 'amount_eur', which is not a field here (known"
                            + " fields: [amount, id]); fix the name or add the field to"
                            + " spec.schema"));
  }

  @Test
  void aDependsOnCycleAcrossTwoFilesIsReportedForBoth() throws IOException {
    Path a = write("a.yaml", pipeline("a", "  dependsOn: [{name: b}]\n", ""));
    Path b = write("b.yaml", pipeline("b", "  dependsOn: [{name: a}]\n", ""));
    Outcome o = validate(a.toString(), b.toString());
    assertThat(o.status()).isEqualTo(Validate.PROBLEMS);
    assertThat(o.lines())
        .containsExactly(
            a
                + ":5: DataPipeline/shop/a: spec.dependsOn: a -> b -> a is a cycle, so none of them"
                + " would ever run; remove one of these dependsOn entries",
            b
                + ":5: DataPipeline/shop/b: spec.dependsOn: b -> a -> b is a cycle, so none of them"
                + " would ever run; remove one of these dependsOn entries");
  }

  @Test
  void aPersonalFieldReachingTheSinkUnmaskedIsRefused() throws IOException {
    Path file =
        write(
            "pii.yaml",
            pipeline("customers", "", "      - {name: email, type: string, pii: true}\n"));
    Outcome o = validate(file.toString());
    assertThat(o.status()).isEqualTo(Validate.PROBLEMS);
    assertThat(o.lines())
        .containsExactly(
            file
                + ":12: DataPipeline/shop/customers: spec.sink: field email (personal) reaches the"
                + " lake sink /lake/orders unmasked: mask it (a mask step) or drop it before the"
                + " sink, or, if this sink may hold it, set sink.allowClassified: [email]");
  }

  @Test
  void aConsumerGroupOfAnotherNamespaceIsRefusedAsTheOperatorRefusesIt() throws IOException {
    Path file =
        write(
            "group.yaml",
            "apiVersion: tributary.io/v1alpha1\n"
                + "kind: StreamJob\n"
                + "metadata: {name: scoring, namespace: payments}\n"
                + "spec:\n"
                + "  source:\n"
                + "    kafka:\n"
                + "      bootstrapServers: kafka:9092\n"
                + "      topics: [payments.tx]\n"
                + "      consumerGroup: tributary-risk-scoring\n"
                + "  sink:\n"
                + "    kafka: {bootstrapServers: 'kafka:9092', topic: payments.scored}\n");
    Outcome o = validate(file.toString());
    assertThat(o.status()).isEqualTo(Validate.PROBLEMS);
    assertThat(o.lines())
        .singleElement()
        .asString()
        .endsWith(
            "StreamJob/payments/scoring: spec.source.kafka.consumerGroup: 'tributary-risk-scoring'"
                + " is outside namespace payments: consumer groups here start with"
                + " tributary-payments-; rename it tributary-payments-<name>, or leave"
                + " consumerGroup out for tributary-payments-scoring");
  }

  @Test
  void poolsAndTheNamespaceResidencyLabelComeFromTheSameFiles() {
    String file = "src/test/resources/validate-residency-and-pools.yaml";
    Outcome o = validate(file);
    assertThat(o.status()).isEqualTo(Validate.PROBLEMS);
    assertThat(o.lines())
        .containsExactly(
            file
                + ":21: DataPipeline/shop/orders: spec.compute.pool eu is in eu-west-1 but the"
                + " data must stay in me-central-1: choose a pool in me-central-1",
            file
                + ":31: StreamJob/shop/orders-live: spec.compute.pool: ComputePool missing does"
                + " not exist; create it or name an existing pool (kubectl get cpool)");
  }

  /**
   * Given DataEndpoints, every address is resolved against them as the operator resolves it; given
   * none, the catalog is not checked (there is no telling what the platform team allows).
   */
  @Test
  void theEndpointCatalogIsCheckedWhenItsDataEndpointsAreGiven() throws IOException {
    Path job =
        write(
            "job.yaml",
            """
            apiVersion: tributary.io/v1alpha1
            kind: StreamJob
            metadata: {name: scoring, namespace: shop}
            spec:
              residency: {region: me-central-1}
              source:
                kafka: {bootstrapServers: "kafka.eu.example.com:9092", topics: [in]}
              sink:
                kafka: {bootstrapServers: "kafka.uae.example.com:9092", topic: out}
            """);
    Path catalog =
        write(
            "catalog.yaml",
            """
            apiVersion: tributary.io/v1alpha1
            kind: DataEndpoint
            metadata: {name: eu-kafka}
            spec:
              type: kafka
              region: eu-west-1
              hosts: [kafka.eu.example.com]
              ports: [9092]
              egress: {to: [{ipBlock: {cidr: 10.1.0.0/16}}]}
            """);
    assertThat(validate(job.toString()).status()).isEqualTo(Validate.OK);

    Outcome o = validate(job.toString(), catalog.toString());
    assertThat(o.status()).isEqualTo(Validate.PROBLEMS);
    assertThat(o.lines())
        .containsExactly(
            job
                + ":7: StreamJob/shop/scoring: spec.source.kafka.bootstrapServers:"
                + " kafka.eu.example.com:9092 is DataEndpoint eu-kafka in eu-west-1 but the data"
                + " must stay in me-central-1: use an endpoint in me-central-1");

    Files.writeString(
        job, Files.readString(job).replace("region: me-central-1", "region: eu-west-1"));
    o = validate(job.toString(), catalog.toString());
    assertThat(o.lines())
        .containsExactly(
            job
                + ":9: StreamJob/shop/scoring: spec.sink.kafka.bootstrapServers:"
                + " kafka.uae.example.com:9092 is in no DataEndpoint of the endpoint catalog: ask"
                + " the platform team for a DataEndpoint covering kafka.uae.example.com:9092"
                + " (kubectl get dataendpoints lists the catalog)");
  }

  /**
   * The catalog resolves the addresses of a TransformSet's steps too, in the pipeline naming it,
   * and names them as the entry, the set and the step.
   */
  @Test
  void anAddressInATransformSetsStepIsResolvedAgainstTheCatalog() throws IOException {
    Path job =
        write(
            "job.yaml",
            """
            apiVersion: tributary.io/v1alpha1
            kind: StreamJob
            metadata: {name: scoring, namespace: shop}
            spec:
              source:
                kafka: {bootstrapServers: "kafka.eu.example.com:9092", topics: [in]}
              transforms:
                - consent: {purpose: scoring, subjectField: id, topic: consents}
                - transformSet: {name: consented}
              sink:
                kafka: {bootstrapServers: "kafka.eu.example.com:9092", topic: out}
            """);
    Path set =
        write(
            "set.yaml",
            """
            apiVersion: tributary.io/v1alpha1
            kind: TransformSet
            metadata: {name: consented, namespace: shop}
            spec:
              transforms:
                - consent:
                    purpose: marketing
                    subjectField: id
                    topic: consents
                    bootstrapServers: "consent.example.com:9092"
            """);
    Path catalog =
        write(
            "catalog.yaml",
            """
            apiVersion: tributary.io/v1alpha1
            kind: DataEndpoint
            metadata: {name: eu-kafka}
            spec:
              type: kafka
              region: eu-west-1
              hosts: [kafka.eu.example.com]
              ports: [9092]
              egress: {to: [{ipBlock: {cidr: 10.1.0.0/16}}]}
            """);
    assertThat(validate(job.toString(), set.toString()).lines()).isEmpty();

    Outcome o = validate(job.toString(), set.toString(), catalog.toString());
    assertThat(o.status()).isEqualTo(Validate.PROBLEMS);
    assertThat(o.lines())
        .containsExactly(
            job
                + ":9: StreamJob/shop/scoring: spec.transforms[1]: TransformSet consented"
                + " spec.transforms[0].consent.bootstrapServers: consent.example.com:9092 is in"
                + " no DataEndpoint of the endpoint catalog: ask the platform team for a"
                + " DataEndpoint covering consent.example.com:9092 (kubectl get dataendpoints"
                + " lists the catalog)");
  }

  @Test
  void aTransformSetAmongTheFilesIsCheckedInPlaceInThePipelineNamingIt() throws IOException {
    Path set = write("set.yaml", transformSet("amount_eur > 100.0"));
    Path dp =
        write(
            "dp.yaml",
            pipeline("orders", "  transforms:\n    - transformSet: {name: cleaning}\n", ""));
    Outcome o = validate(set.toString(), dp.toString());
    assertThat(o.status()).isEqualTo(Validate.PROBLEMS);
    // The set alone is fine (any field may exist); in this pipeline the field does not.
    assertThat(o.lines())
        .containsExactly(
            dp
                + ":6: DataPipeline/shop/orders: spec.transforms[0]: TransformSet cleaning"
                + " spec.transforms[0].filter.expression: CEL refers to 'amount_eur', which is not"
                + " a field here (known fields: [amount, id]); fix the name or add the field to"
                + " spec.schema");
  }

  @Test
  void aPipelineAndTheSetItNamesPassTogether() throws IOException {
    Path set = write("set.yaml", transformSet("amount > 100.0"));
    Path dp =
        write(
            "dp.yaml",
            pipeline("orders", "  transforms:\n    - transformSet: {name: cleaning}\n", ""));
    Outcome o = validate(set.toString(), dp.toString());
    assertThat(o.lines()).isEmpty();
    assertThat(o.status()).as(o.err()).isEqualTo(Validate.OK);
  }

  @Test
  void aSetThatIsNotAmongTheFilesIsReportedAsSuch() throws IOException {
    Path dp =
        write(
            "dp.yaml",
            pipeline("orders", "  transforms:\n    - transformSet: {name: cleaning}\n", ""));
    Outcome o = validate(dp.toString());
    assertThat(o.status()).isEqualTo(Validate.PROBLEMS);
    assertThat(o.lines())
        .containsExactly(
            dp
                + ":6: DataPipeline/shop/orders: spec.transforms[0].transformSet.name:"
                + " TransformSet cleaning does not exist in namespace shop; create it (kubectl get"
                + " transformsets -n shop lists those there) or fix the name; tributary validate"
                + " looks TransformSets up among the files given: pass the set's file too");
  }

  @Test
  void aSetsOwnProblemIsReportedAtItsLine() throws IOException {
    Path set = write("set.yaml", transformSet("amount >"));
    Outcome o = validate(set.toString());
    assertThat(o.status()).isEqualTo(Validate.PROBLEMS);
    assertThat(o.lines())
        .singleElement()
        .asString()
        .startsWith(set + ":8: TransformSet/shop/cleaning: spec.transforms[0].filter.expression: ");
  }

  @Test
  void stdinAndMultipleDocuments() {
    String two = pipeline("one", "", "") + "---\n" + pipeline("two", "", "");
    assertThat(validateStdin(two, "-").status()).isEqualTo(Validate.OK);
  }

  @Test
  void usageAndIoErrorsExitTwo() {
    assertThat(validate().status()).isEqualTo(Validate.USAGE);
    assertThat(validate("--frobnicate", "x.yaml").status()).isEqualTo(Validate.USAGE);
    assertThat(validate(dir.resolve("missing.yaml").toString()).status()).isEqualTo(Validate.USAGE);
    Outcome help = validate("--help");
    assertThat(help.status()).isEqualTo(Validate.OK);
    assertThat(help.lines()).first().asString().startsWith("Usage: tributary validate");
  }

  @Test
  void brokenYamlIsAProblemWithItsLine() throws IOException {
    Path file = write("broken.yaml", "kind: DataPipeline\nmetadata: {name: x\n");
    Outcome o = validate(file.toString());
    assertThat(o.status()).isEqualTo(Validate.PROBLEMS);
    assertThat(o.lines())
        .singleElement()
        .asString()
        .startsWith(file + ":")
        .contains("not valid YAML");
  }

  /** A valid files-to-lake DataPipeline in namespace shop; {@code extra} goes under spec. */
  private static String pipeline(String name, String extra, String piiFields) {
    return """
        apiVersion: tributary.io/v1alpha1
        kind: DataPipeline
        metadata: {name: %s, namespace: shop}
        spec:
        %s  source:
            files: {path: /data/in/*.parquet, format: parquet}
          schema:
            fields:
              - {name: id, type: integer, required: true}
              - {name: amount, type: number}
        %s  sink:
            lake: {path: /lake/orders, format: parquet}
        """
        .formatted(name, extra, piiFields);
  }

  /** TransformSet cleaning in namespace shop: one filter step. */
  private static String transformSet(String filter) {
    return """
        apiVersion: tributary.io/v1alpha1
        kind: TransformSet
        metadata: {name: cleaning, namespace: shop}
        spec:
          transforms:
            - name: big
              filter:
                expression: "%s"
        """
        .formatted(filter);
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }
}

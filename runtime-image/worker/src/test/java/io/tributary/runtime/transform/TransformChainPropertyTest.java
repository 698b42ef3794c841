package io.tributary.runtime.transform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.runtime.testing.HostileCorpus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * For any bytes that look more or less like a record, the corpus's transform chain either emits
 * records that can be written, filters, or rejects with a reason: it never throws anything else.
 * This is the contract both engines rely on to keep going ("no record can crash a worker").
 */
class TransformChainPropertyTest {
  private static Path secrets;
  private static TransformChain chain;

  @BeforeContainer
  static void compile() throws IOException {
    secrets = Files.createTempDirectory("chain-property");
    HostileCorpus.writeSecret(secrets);
    chain = Plans.chain(HostileCorpus.TRANSFORMS, HostileCorpus.SCHEMA, secrets);
  }

  @AfterContainer
  static void close() throws IOException {
    chain.close();
    try (var files = Files.walk(secrets)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Property(tries = 3000)
  void anyRecordIsEmittedFilteredOrRejectedAndNothingElse(@ForAll("records") byte[] value) {
    // The generator must reach every step, not only the parser: checked when the tries are over.
    Statistics.label("outcome")
        .coverage(
            c -> {
              c.check("output").count(n -> n > 30);
              c.check("source").count(n -> n > 30);
              for (String step : List.of("check", "clean", "pii", "enrich")) {
                c.check(step).count(n -> n > 0);
              }
            });
    ObjectNode record;
    try {
      record = RecordJson.parse(value);
    } catch (RecordJson.NotARecord e) {
      assertThat(e.getMessage()).isNotBlank();
      Statistics.label("outcome").collect("source");
      return;
    }
    List<ObjectNode> out = new ArrayList<>();
    try {
      chain.process(record, out::add);
    } catch (RejectedRecordException e) {
      assertThat(e.reason()).isNotBlank();
      assertThat(e.stepName()).isIn(chain.stepNames());
      Statistics.label("outcome").collect(e.stepName());
      return;
    }
    Statistics.label("outcome").collect(out.isEmpty() ? "filtered" : "output");
    for (ObjectNode o : out) {
      try {
        // What comes out can be written, or is a sink dead letter with a reason: never a crash.
        assertThat(RecordJson.parse(RecordJson.write(o))).isNotNull();
      } catch (RecordJson.Unwritable e) {
        assertThat(e.getMessage()).isNotBlank();
      } catch (RecordJson.NotARecord e) {
        throw new AssertionError("the chain emitted a record that does not read back: " + e, e);
      }
    }
  }

  /**
   * Records over the schema's fields, each mostly well typed and sometimes anything at all, plus
   * unknown fields; one in five has a byte changed anywhere.
   */
  @Provide
  Arbitrary<byte[]> records() {
    Arbitrary<String> anything = values(3);
    Arbitrary<String> amount =
        Arbitraries.oneOf(
            Arbitraries.doubles().between(-1e6, 1e6).map(String::valueOf),
            Arbitraries.of("1e308", "1e306", "-0.0", "1e-400", "0"));
    Arbitrary<String> ts =
        Arbitraries.oneOf(
            Arbitraries.of("\"2026-11-30T10:00:00Z\"", "\"9999-12-31T23:59:59Z\""),
            Arbitraries.longs().map(String::valueOf));
    Arbitrary<String> name =
        Arbitraries.strings()
            .withChars("İßΣσ ÿ\u0301aZ")
            .ofMaxLength(600)
            .map(TransformChainPropertyTest::quote);
    Arbitrary<String> email =
        Arbitraries.strings().alpha().ofMaxLength(12).map(TransformChainPropertyTest::quote);
    List<Arbitrary<String>> fields =
        List.of(
            field("id", Arbitraries.longs().map(String::valueOf), anything, 0),
            field("amount", amount, anything, 10),
            field("name", name, anything, 10),
            field("email", email, anything, 10),
            field(
                "age", Arbitraries.integers().between(-5, 130).map(String::valueOf), anything, 10),
            field("ts", ts, anything, 10),
            field("ip", Arbitraries.of("\"10.1.2.3\"", "\"192.168.0.1\""), anything, 40),
            field("extra", anything, anything, 50));
    Arbitrary<String> object =
        Combinators.combine(fields)
            .as(
                parts ->
                    "{"
                        + String.join(",", parts.stream().filter(p -> !p.isEmpty()).toList())
                        + "}");
    Arbitrary<byte[]> valid = object.map(s -> s.getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> broken =
        Combinators.combine(valid, Arbitraries.integers().between(0, 1000), Arbitraries.bytes())
            .as(
                (b, at, x) -> {
                  byte[] c = b.clone();
                  if (c.length > 0) c[at % c.length] = x; // one byte changed anywhere
                  return c;
                });
    return Arbitraries.frequencyOf(Tuple.of(8, valid), Tuple.of(2, broken));
  }

  /** {@code "name":value}: well typed, else anything (1 in 10), or absent ({@code absentPct} %). */
  private static Arbitrary<String> field(
      String name, Arbitrary<String> typed, Arbitrary<String> anything, int absentPct) {
    Arbitrary<String> value = Arbitraries.frequencyOf(Tuple.of(9, typed), Tuple.of(1, anything));
    Arbitrary<String> present = value.map(v -> quote(name) + ":" + v);
    if (absentPct == 0) return present;
    return Arbitraries.frequencyOf(
        Tuple.of(100 - absentPct, present), Tuple.of(absentPct, Arbitraries.just("")));
  }

  private static Arbitrary<String> objects(int depth) {
    Arbitrary<String> name =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.of("id", "amount", "name", "k")),
            Tuple.of(1, Arbitraries.strings().ofMaxLength(8)));
    Arbitrary<String> field =
        Combinators.combine(name, values(depth)).as((n, v) -> quote(n) + ":" + v);
    return field.list().ofMaxSize(5).map(fs -> "{" + String.join(",", fs) + "}");
  }

  private static Arbitrary<String> values(int depth) {
    Arbitrary<String> numbers =
        Arbitraries.oneOf(
            Arbitraries.longs().map(String::valueOf),
            Arbitraries.doubles().map(String::valueOf),
            Arbitraries.bigIntegers()
                .between(
                    java.math.BigInteger.TEN.pow(30).negate(), java.math.BigInteger.TEN.pow(30))
                .map(String::valueOf),
            Combinators.combine(
                    Arbitraries.integers().between(-9, 9),
                    Arbitraries.integers().between(-999, 999))
                .as((m, e) -> m + "e" + e),
            Arbitraries.of(
                "0", "-0", "-0.0", "1e308", "1e-400", "4.9e-324", "1.7976931348623157e308"));
    Arbitrary<String> timestamps =
        Arbitraries.oneOf(
            Arbitraries.of(
                "\"2026-11-30T10:00:00Z\"",
                "\"9999-12-31T23:59:59Z\"",
                "\"2026-02-30\"",
                "\"yesterday\"",
                "\"1796032800000\""),
            Arbitraries.longs().map(String::valueOf));
    Arbitrary<String> strings =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(20).map(TransformChainPropertyTest::quote),
            Arbitraries.strings()
                .withChars("İßΣσ ÿ\u0301")
                .ofMaxLength(600)
                .map(TransformChainPropertyTest::quote),
            Arbitraries.of("\"10.1.2.3\"", "\"300.1.1.1\"", "\"\\ud800\"", "\"\"", "\" \""));
    Arbitrary<String> scalars =
        Arbitraries.oneOf(numbers, timestamps, strings, Arbitraries.of("true", "false", "null"));
    if (depth == 0) return scalars;
    Arbitrary<String> arrays =
        Arbitraries.lazy(() -> values(depth - 1))
            .list()
            .ofMaxSize(4)
            .map(vs -> "[" + String.join(",", vs) + "]");
    return Arbitraries.frequencyOf(
        Tuple.of(8, scalars),
        Tuple.of(1, arrays),
        Tuple.of(1, Arbitraries.lazy(() -> objects(depth - 1))));
  }

  private static String quote(String s) {
    try {
      return Plans.JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.tributary.runtime.transform;

import static io.tributary.runtime.transform.Plans.chain;
import static io.tributary.runtime.transform.Plans.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.runtime.PlanException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaskTest {
  @TempDir Path secrets;

  @BeforeEach
  void writeKey() throws Exception {
    Files.createDirectories(secrets.resolve("mask-key"));
    Files.writeString(secrets.resolve("mask-key/key"), "key");
  }

  private TransformChain mask(String fields) {
    return chain(
        "[{\"mask\":{\"keySecretRef\":{\"name\":\"mask-key\",\"key\":\"key\"},\"fields\":"
            + fields
            + "}}]",
        null,
        secrets);
  }

  @Test
  void hmacIsHmacSha256HexWithTheMountedKey() {
    // RFC-style test vector: HMAC-SHA256(key="key", "The quick brown fox jumps over the lazy dog").
    var out =
        run(
            mask("[{\"field\":\"s\",\"method\":\"hmac\"}]"),
            "{\"s\":\"The quick brown fox jumps over the lazy dog\"}");
    assertThat(out.get(0).get("s").textValue())
        .isEqualTo("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  }

  @Test
  void tokenizeIsDeterministicAndDistinctPerValue() {
    TransformChain c = mask("[{\"field\":\"e\",\"method\":\"tokenize\"}]");
    String a1 = run(c, "{\"e\":\"a@x.io\"}").get(0).get("e").textValue();
    String a2 = run(c, "{\"e\":\"a@x.io\"}").get(0).get("e").textValue();
    String b = run(c, "{\"e\":\"b@x.io\"}").get(0).get("e").textValue();
    assertThat(a1).startsWith("tok_").isEqualTo(a2).isNotEqualTo(b).doesNotContain("a@x.io");
  }

  @Test
  void redactKeepLastAndDrop() {
    TransformChain c =
        mask(
            "[{\"field\":\"name\",\"method\":\"redact\"},{\"field\":\"card\",\"method\":\"keepLast\",\"keep\":4},"
                + "{\"field\":\"ssn\",\"method\":\"drop\"},{\"field\":\"addr\",\"method\":\"redact\"}]");
    var out =
        run(c, "{\"name\":\"Ali\",\"card\":4111111111111111,\"ssn\":\"1\",\"addr\":{\"c\":1}}")
            .get(0);
    assertThat(out.get("name").textValue()).isEqualTo("***");
    assertThat(out.get("card").textValue()).isEqualTo("************1111");
    assertThat(out.has("ssn")).isFalse();
    assertThat(out.get("addr").textValue()).isEqualTo("***");
  }

  @Test
  void keepLastCountsCodePointsNotChars() {
    var out =
        run(
            mask("[{\"field\":\"p\",\"method\":\"keepLast\",\"keep\":2}]"),
            "{\"p\":\"ab\uD83D\uDE00c\"}");
    assertThat(out.get(0).get("p").textValue()).isEqualTo("**\uD83D\uDE00c");
    var shortValue =
        run(mask("[{\"field\":\"p\",\"method\":\"keepLast\",\"keep\":9}]"), "{\"p\":\"abc\"}");
    assertThat(shortValue.get(0).get("p").textValue()).isEqualTo("abc");
  }

  @Test
  void generalizeDatesNumbersAndAddresses() {
    TransformChain c =
        mask(
            "[{\"field\":\"born\",\"method\":\"generalize\",\"generalize\":\"year\"},"
                + "{\"field\":\"seen\",\"method\":\"generalize\",\"generalize\":\"month\"},"
                + "{\"field\":\"age\",\"method\":\"generalize\",\"generalize\":\"bucket\",\"bucketSize\":10},"
                + "{\"field\":\"ip\",\"method\":\"generalize\",\"generalize\":\"ipv4Subnet\"}]");
    var out =
        run(
                c,
                "{\"born\":\"1990-07-14\",\"seen\":\"2024-05-01T23:30:00Z\",\"age\":37,\"ip\":\"10.1.2.3\"}")
            .get(0);
    assertThat(out.get("born").textValue()).isEqualTo("1990");
    assertThat(out.get("seen").textValue()).isEqualTo("2024-05");
    assertThat(out.get("age").textValue()).isEqualTo("30-39");
    assertThat(out.get("ip").textValue()).isEqualTo("10.1.2.0/24");
  }

  @Test
  void badValuesForGeneralizeAreRejected() {
    assertThatThrownBy(
            () ->
                run(
                    mask(
                        "[{\"field\":\"ip\",\"method\":\"generalize\",\"generalize\":\"ipv4Subnet\"}]"),
                    "{\"ip\":\"300.1.1.1\"}"))
        .isInstanceOfSatisfying(
            RejectedRecordException.class, e -> assertThat(e.reason()).contains("field 'ip'"));
    assertThatThrownBy(
            () ->
                run(
                    mask("[{\"field\":\"d\",\"method\":\"generalize\",\"generalize\":\"year\"}]"),
                    "{\"d\":true}"))
        .isInstanceOf(RejectedRecordException.class);
  }

  @Test
  void nullAndMissingValuesStayAsTheyAre() {
    var out = run(mask("[{\"field\":\"e\",\"method\":\"hmac\"}]"), "{\"e\":null}").get(0);
    assertThat(out.get("e").isNull()).isTrue();
    assertThat(run(mask("[{\"field\":\"e\",\"method\":\"hmac\"}]"), "{}").get(0).has("e"))
        .isFalse();
  }

  @Test
  void aMissingSecretFileIsAPlanErrorNamingTheStepAndFile() throws Exception {
    Files.delete(secrets.resolve("mask-key/key"));
    assertThatThrownBy(() -> mask("[{\"field\":\"e\",\"method\":\"hmac\"}]"))
        .isInstanceOf(PlanException.class)
        .hasMessageContaining("transforms[0] (mask-0)")
        .hasMessageContaining(secrets.resolve("mask-key/key").toString());
  }
}

package io.tributary.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The committed corpus of hostile records ({@code src/test/resources/hostile/records.jsonl}), run
 * by both engines through one transform chain ({@link #TRANSFORMS} over {@link #SCHEMA}), each with
 * the outcome it must have.
 *
 * <p>One case per line: {@code name}; the record as {@code value} (text), {@code base64} (bytes
 * that are not valid text) or {@code tombstone: true}; {@code expand}, placeholders in the value
 * replaced by {@code text} repeated {@code times} (with {@code numbered} replaced by the repetition
 * number), so huge records stay small in the repository; {@code expect}: {@code outcome} (output,
 * deadLetter or filtered), for dead letters the {@code step} and a fragment of the {@code reason},
 * for outputs {@code fields} the output must hold and {@code lengths} of its string fields; {@code
 * expectBatch}: the batch engine's outcome where its transport reads the bytes otherwise (a blank
 * JSON Lines line holds no record); {@code only}: the engine a case applies to, when it is about
 * one engine's transport (a Kafka tombstone, the Kafka record size limit).
 *
 * <p>Cases with {@code only: "typed"} are values JSON text cannot hold (NaN, Infinity, an infinite
 * timestamp), read from typed sources: {@code typed} names the {@code field} whose value is given
 * as {@code text} in each of the column types {@code as} lists (a PostgreSQL type such as {@code
 * float8} or {@code numeric}, or {@code parquet double} / {@code parquet float}); the other fields
 * of {@code value} keep their JSON types (see {@code HostileTypedCorpusIT}).
 */
public final class HostileCorpus {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static final String SCHEMA =
      "{\"fields\":[{\"name\":\"id\",\"type\":\"integer\",\"required\":true},"
          + "{\"name\":\"amount\",\"type\":\"number\"},{\"name\":\"name\",\"type\":\"string\"},"
          + "{\"name\":\"email\",\"type\":\"string\",\"pii\":true},"
          + "{\"name\":\"age\",\"type\":\"integer\"},{\"name\":\"ts\",\"type\":\"timestamp\"},"
          + "{\"name\":\"tags\",\"type\":\"array\"},{\"name\":\"meta\",\"type\":\"object\"}]}";

  /** Every kind of step that can meet a bad value; the secret is {@code mask-key/key}. */
  public static final String TRANSFORMS =
      "[{\"name\":\"check\",\"validate\":{}},"
          + "{\"name\":\"clean\",\"normalize\":{\"rules\":["
          + "{\"field\":\"name\",\"trim\":true,\"unicodeNfc\":true,\"toCase\":\"lower\"},"
          + "{\"field\":\"amount\",\"scale\":100},{\"field\":\"ts\",\"timestamp\":true}]}},"
          + "{\"name\":\"pii\",\"mask\":{\"keySecretRef\":{\"name\":\"mask-key\",\"key\":\"key\"},"
          + "\"fields\":[{\"field\":\"email\",\"method\":\"hmac\"},"
          + "{\"field\":\"age\",\"method\":\"generalize\",\"generalize\":\"bucket\",\"bucketSize\":10},"
          + "{\"field\":\"ip\",\"method\":\"generalize\",\"generalize\":\"ipv4Subnet\"}]}},"
          + "{\"name\":\"enrich\",\"derive\":{\"fields\":["
          + "{\"name\":\"amount_aed\",\"expression\":\"amount * 3.6725\"}]}},"
          + "{\"name\":\"positive\",\"filter\":{\"expression\":\"amount >= 0.0\"}}]";

  /** What must become of a record. */
  public enum Outcome {
    OUTPUT,
    DEAD_LETTER,
    FILTERED
  }

  /**
   * One hostile record.
   *
   * @param value the bytes, or null for a Kafka tombstone
   * @param fields what the output must hold (JSON values)
   * @param lengths lengths of output string fields too long to spell out
   */
  public record Case(
      String name,
      byte[] value,
      Outcome outcome,
      String step,
      String reason,
      JsonNode fields,
      Map<String, Integer> lengths,
      String only,
      JsonNode typed) {
    public boolean appliesTo(String engine) {
      return only == null || only.equals(engine);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private HostileCorpus() {}

  /** Writes the secret the corpus's mask step names under {@code secretsDir}. */
  public static void writeSecret(Path secretsDir) throws IOException {
    Files.createDirectories(secretsDir.resolve("mask-key"));
    Files.writeString(secretsDir.resolve("mask-key/key"), "corpus-key");
  }

  /** The cases that apply to {@code engine} ("stream" or "batch"), with its own expectations. */
  public static List<Case> cases(String engine) {
    return load(engine).stream().filter(c -> c.appliesTo(engine)).toList();
  }

  /** The cases of typed values ({@code only: "typed"}), which only typed sources can carry. */
  public static List<Case> typed() {
    return load("batch").stream().filter(c -> "typed".equals(c.only())).toList();
  }

  /** Every case, with the stream engine's (the transport-neutral) expectations. */
  public static List<Case> load() {
    return load("stream");
  }

  private static List<Case> load(String engine) {
    List<Case> out = new ArrayList<>();
    try (InputStream in = HostileCorpus.class.getResourceAsStream("/hostile/records.jsonl");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank()) out.add(parse(JSON.readTree(line), engine));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static Case parse(JsonNode c, String engine) {
    byte[] value;
    if (c.has("base64")) {
      value = Base64.getDecoder().decode(c.get("base64").asText());
    } else if (c.path("tombstone").asBoolean()) {
      value = null;
    } else {
      value = expand(c.get("value").asText(), c.get("expand")).getBytes(StandardCharsets.UTF_8);
    }
    JsonNode expect =
        "batch".equals(engine) && c.has("expectBatch") ? c.get("expectBatch") : c.get("expect");
    Outcome outcome =
        switch (expect.get("outcome").asText()) {
          case "output" -> Outcome.OUTPUT;
          case "deadLetter" -> Outcome.DEAD_LETTER;
          case "filtered" -> Outcome.FILTERED;
          default -> throw new IllegalArgumentException("unknown outcome in " + c);
        };
    Map<String, Integer> lengths =
        expect.has("lengths")
            ? JSON.convertValue(
                expect.get("lengths"),
                JSON.getTypeFactory().constructMapType(Map.class, String.class, Integer.class))
            : Map.of();
    return new Case(
        c.get("name").asText(),
        value,
        outcome,
        expect.path("step").asText(null),
        expect.path("reason").asText(null),
        expect.get("fields"),
        lengths,
        c.path("only").asText(null),
        c.get("typed"));
  }

  private static String expand(String value, JsonNode expand) {
    if (expand == null) return value;
    Iterator<Map.Entry<String, JsonNode>> it = expand.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String text = e.getValue().get("text").asText();
      int times = e.getValue().get("times").asInt();
      String numbered = e.getValue().path("numbered").asText(null);
      StringBuilder b = new StringBuilder(text.length() * times);
      for (int i = 0; i < times; i++) {
        b.append(numbered == null ? text : text.replace(numbered, Integer.toString(i)));
      }
      value = value.replace(e.getKey(), b);
    }
    return value;
  }
}

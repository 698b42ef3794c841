package io.tributary.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Checks what an engine made of each corpus case; collects every mismatch, not only the first. */
public final class CorpusAssertions {
  /** What the engine did with one case. */
  public record Seen(HostileCorpus.Outcome outcome, JsonNode output, String step, String reason) {
    public static Seen output(JsonNode record) {
      return new Seen(HostileCorpus.Outcome.OUTPUT, record, null, null);
    }

    public static Seen deadLetter(String step, String reason) {
      return new Seen(HostileCorpus.Outcome.DEAD_LETTER, null, step, reason);
    }

    public static Seen filtered() {
      return new Seen(HostileCorpus.Outcome.FILTERED, null, null, null);
    }
  }

  private CorpusAssertions() {}

  /** Every mismatch between what a case expects and what was seen, one line each. */
  public static List<String> mismatches(HostileCorpus.Case c, Seen seen) {
    List<String> out = new ArrayList<>();
    if (seen.outcome() != c.outcome()) {
      out.add(
          c.name()
              + ": expected "
              + c.outcome()
              + (c.step() == null ? "" : " at " + c.step() + " (" + c.reason() + ")")
              + " but got "
              + seen.outcome()
              + (seen.step() == null ? "" : " at " + seen.step() + ": " + seen.reason()));
      return out;
    }
    if (c.outcome() == HostileCorpus.Outcome.DEAD_LETTER) {
      if (!c.step().equals(seen.step())) {
        out.add(c.name() + ": dead letter from step " + seen.step() + ", expected " + c.step());
      }
      if (seen.reason() == null || !seen.reason().contains(c.reason())) {
        out.add(c.name() + ": reason '" + seen.reason() + "' lacks '" + c.reason() + "'");
      }
    }
    if (c.outcome() == HostileCorpus.Outcome.OUTPUT) {
      if (c.fields() != null) {
        Iterator<Map.Entry<String, JsonNode>> it = c.fields().fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> e = it.next();
          JsonNode actual = seen.output().get(e.getKey());
          if (!same(e.getValue(), actual)) {
            out.add(
                c.name()
                    + ": field "
                    + e.getKey()
                    + " is "
                    + cut(actual)
                    + ", expected "
                    + e.getValue());
          }
        }
      }
      c.lengths()
          .forEach(
              (field, length) -> {
                JsonNode actual = seen.output().get(field);
                if (actual == null || actual.asText().length() != length) {
                  out.add(c.name() + ": field " + field + " does not have length " + length);
                }
              });
    }
    return out;
  }

  /** Numbers by value (1250 equals 1250.0), everything else by JSON equality. */
  private static boolean same(JsonNode expected, JsonNode actual) {
    if (actual == null) return expected.isNull();
    if (expected.isNumber() && actual.isNumber()) {
      return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
    }
    return expected.equals(actual);
  }

  private static String cut(JsonNode n) {
    String s = String.valueOf(n);
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}

package io.tributary.operator.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks of one JSON value against the scalar keywords of its schema, in the API server's words.
 */
final class ValueChecks {
  private ValueChecks() {}

  static void checkString(String s, JsonNode node, String path, List<Violation> out) {
    int length = s.codePointCount(0, s.length());
    if (node.has("maxLength") && length > node.get("maxLength").asInt()) {
      out.add(
          Violation.of(
              path,
              "Too long: may not be more than " + node.get("maxLength").asInt() + " bytes",
              true));
    }
    if (node.has("minLength") && length < node.get("minLength").asInt()) {
      out.add(
          Violation.of(
              path,
              "Invalid value: "
                  + quote(s)
                  + ": "
                  + path
                  + " in body should be at least "
                  + node.get("minLength").asInt()
                  + " chars long",
              false));
    }
    if (node.has("pattern")) {
      String pattern = node.get("pattern").asText();
      // Go's regexp (RE2) and java.util.regex agree on the constructs our patterns use; find(),
      // like Go's MatchString, is unanchored unless the pattern anchors itself.
      if (!Pattern.compile(pattern).matcher(s).find()) {
        out.add(
            Violation.of(
                path,
                "Invalid value: "
                    + quote(s)
                    + ": "
                    + path
                    + " in body should match '"
                    + pattern
                    + "'",
                false));
      }
    }
  }

  static void checkNumber(JsonNode value, JsonNode node, String path, List<Violation> out) {
    BigDecimal n = value.decimalValue();
    String shown = value.asText();
    if (node.has("minimum") && n.compareTo(node.get("minimum").decimalValue()) < 0) {
      out.add(
          Violation.of(
              path,
              "Invalid value: "
                  + shown
                  + ": "
                  + path
                  + " in body should be greater than or equal to "
                  + plain(node.get("minimum")),
              false));
    }
    if (node.has("maximum") && n.compareTo(node.get("maximum").decimalValue()) > 0) {
      out.add(
          Violation.of(
              path,
              "Invalid value: "
                  + shown
                  + ": "
                  + path
                  + " in body should be less than or equal to "
                  + plain(node.get("maximum")),
              false));
    }
  }

  static void checkEnum(JsonNode value, JsonNode node, String path, List<Violation> out) {
    JsonNode allowed = node.get("enum");
    if (allowed == null || !allowed.isArray()) {
      return;
    }
    List<JsonNode> values = new ArrayList<>();
    allowed.forEach(values::add);
    if (!values.contains(value)) {
      String supported =
          values.stream()
              .map(v -> v.isTextual() ? quote(v.asText()) : v.toString())
              .collect(Collectors.joining(", "));
      String shown = value.isTextual() ? quote(value.asText()) : value.toString();
      out.add(
          Violation.of(
              path, "Unsupported value: " + shown + ": supported values: " + supported, true));
    }
  }

  static boolean hasType(JsonNode value, String type) {
    return switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "boolean" -> value.isBoolean();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      default -> true; // no type: x-kubernetes-int-or-string and the like, unused by us
    };
  }

  static String jsonType(JsonNode value) {
    if (value.isTextual()) return "string";
    if (value.isBoolean()) return "boolean";
    if (value.isIntegralNumber()) return "integer";
    if (value.isNumber()) return "number";
    if (value.isArray()) return "array";
    return "object";
  }

  static String plain(JsonNode number) {
    return number.decimalValue().stripTrailingZeros().toPlainString();
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}

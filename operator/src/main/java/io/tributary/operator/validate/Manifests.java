package io.tributary.operator.validate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads multi-document YAML into objects that remember the line of each field, so a problem at
 * {@code spec.transforms[1].filter} can be reported at the line a user has to edit.
 */
final class Manifests {
  private static final YAMLMapper YAML = new YAMLMapper();

  private Manifests() {}

  /**
   * One YAML document.
   *
   * @param line the document's first line (1-based)
   * @param lines field path (as the checks write it: {@code spec.sink.kafka}, {@code
   *     spec.transforms[0]}) to its line
   */
  record Document(String file, int line, JsonNode node, Map<String, Integer> lines) {
    String kind() {
      return node.path("kind").asText();
    }

    String name() {
      return node.path("metadata").path("name").asText();
    }

    /** The line of {@code path}, or of its nearest enclosing field, or of the document. */
    int lineOf(String path) {
      String p = path;
      while (!p.isEmpty()) {
        Integer at = lines.get(p);
        if (at != null) return at;
        int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
        p = cut < 0 ? "" : p.substring(0, cut);
      }
      return line;
    }
  }

  /**
   * Every non-empty document of {@code in}.
   *
   * @throws IOException when the text is not YAML; the message says where
   */
  static List<Document> read(String file, Reader in) throws IOException {
    List<Document> docs = new ArrayList<>();
    try (JsonParser parser = YAML.getFactory().createParser(in)) {
      while (parser.nextToken() != null) {
        int line = parser.currentTokenLocation().getLineNr();
        Map<String, Integer> lines = new HashMap<>();
        JsonNode node = value(parser, "", lines);
        if (!node.isNull() && !node.isMissingNode()) {
          docs.add(new Document(file, line, node, lines));
        }
      }
    }
    return docs;
  }

  private static JsonNode value(JsonParser p, String path, Map<String, Integer> lines)
      throws IOException {
    JsonToken token = p.currentToken();
    if (token == JsonToken.START_OBJECT) {
      ObjectNode object = JsonNodeFactory.instance.objectNode();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        String child = path.isEmpty() ? name : path + "." + name;
        lines.putIfAbsent(child, p.currentTokenLocation().getLineNr());
        p.nextToken();
        object.set(name, value(p, child, lines));
      }
      return object;
    }
    if (token == JsonToken.START_ARRAY) {
      ArrayNode array = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
        String child = path + "[" + i + "]";
        lines.putIfAbsent(child, p.currentTokenLocation().getLineNr());
        array.add(value(p, child, lines));
      }
      return array;
    }
    JsonNode scalar = YAML.readTree(p);
    return scalar == null ? JsonNodeFactory.instance.nullNode() : scalar;
  }
}

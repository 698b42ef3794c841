package io.tributary.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden JSON files of events, as a receiver gets them (structured mode), pretty-printed so a
 * reviewer reads the diff. {@code -Dgolden.update=true} rewrites them after an intended change.
 */
final class GoldenJson {
  private static final Path DIR = Path.of("src/test/resources/golden");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private GoldenJson() {}

  static void assertMatches(String name, CloudEvent event) {
    Path file = DIR.resolve(name + ".json");
    try {
      String actual =
          JSON.writeValueAsString(JSON.readTree(EventJson.bytes(event))).replace("\r\n", "\n")
              + "\n";
      if (Boolean.getBoolean("golden.update") || !Files.exists(file)) {
        Files.createDirectories(DIR);
        Files.writeString(file, actual);
        if (!Boolean.getBoolean("golden.update")) {
          throw new AssertionError(
              "golden file " + file + " did not exist; it was written: review and commit it");
        }
      }
      assertThat(actual)
          .as("event differs from %s (run with -Dgolden.update=true if intended)", file)
          .isEqualTo(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

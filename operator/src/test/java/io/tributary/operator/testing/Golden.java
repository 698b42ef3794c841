package io.tributary.operator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Golden YAML files: a reviewer reads the YAML diff, not Java. Run with {@code
 * -Dgolden.update=true} to rewrite the files after an intended change, then read the diff before
 * committing.
 */
public final class Golden {
  private static final Path DIR = Path.of("src/test/resources/golden");

  private Golden() {}

  public static void assertMatches(String name, List<?> objects) {
    assertText(
        name,
        objects.stream().map(Serialization::asYaml).collect(Collectors.joining()).trim() + "\n");
  }

  /** JSON text (a CloudEvent as a receiver gets it), pretty-printed, in {@code <name>.json}. */
  public static void assertJson(String name, String json) {
    try {
      var mapper =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
      assertFile(
          DIR.resolve(name + ".json"), mapper.writeValueAsString(mapper.readTree(json)) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Text that is YAML already, kept as it is (comments too): `helm template` output, say. */
  public static void assertText(String name, String actual) {
    assertFile(DIR.resolve(name + ".yaml"), actual);
  }

  private static void assertFile(Path file, String actual) {
    try {
      if (Boolean.getBoolean("golden.update") || !Files.exists(file)) {
        Files.createDirectories(DIR);
        Files.writeString(file, actual);
        if (!Boolean.getBoolean("golden.update")) {
          throw new AssertionError(
              "golden file " + file + " did not exist; it was written: review and commit it");
        }
      }
      assertThat(actual)
          .as("rendered objects differ from %s (run with -Dgolden.update=true if intended)", file)
          .isEqualTo(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a YAML fixture from src/test/resources/fixtures into a typed object. */
  public static <T> T fixture(String file, Class<T> type) {
    try {
      return Serialization.unmarshal(
          Files.readString(Path.of("src/test/resources/fixtures", file)), type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.tributary.operator.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Validators for the CRDs the build just generated (target/crds), by kind. */
public final class GeneratedCrds {
  public static final Path DIR = Path.of("target/crds");

  private static final Map<String, CrdSchemaValidator> BY_KIND = load();

  private GeneratedCrds() {}

  private static Map<String, CrdSchemaValidator> load() {
    try (Stream<Path> files = Files.list(DIR)) {
      return files
          .filter(p -> p.toString().endsWith(".yml"))
          .map(CrdSchemaValidator::load)
          .collect(Collectors.toMap(CrdSchemaValidator::kind, Function.identity()));
    } catch (IOException e) {
      throw new UncheckedIOException("no generated CRDs in " + DIR + ": run process-classes", e);
    }
  }

  /** The generated CRD files. */
  public static List<Path> files() {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The validator of one of our kinds, or empty for a kind we do not define. */
  public static Optional<CrdSchemaValidator> forKind(String kind) {
    return Optional.ofNullable(BY_KIND.get(kind));
  }
}

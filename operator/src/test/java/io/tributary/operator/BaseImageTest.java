package io.tributary.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both images build FROM a base the builder chooses: no Dockerfile may default to a tag that moves
 * (docs/security.md). A default is allowed only pinned by digest.
 */
class BaseImageTest {
  private static final Pattern ARG = Pattern.compile("^ARG\\s+BASE_IMAGE(?:=(\\S*))?\\s*$");

  @ParameterizedTest
  @ValueSource(strings = {"../Dockerfile", "../runtime-image/Dockerfile"})
  void theBaseIsEitherGivenByTheBuildOrPinnedByDigest(String dockerfile) throws IOException {
    List<String> lines = Files.readAllLines(Path.of(dockerfile));
    int from = lines.indexOf("FROM ${BASE_IMAGE}");
    assertThat(from).as("%s starts FROM ${BASE_IMAGE}", dockerfile).isPositive();
    List<Matcher> args =
        lines.subList(0, from).stream().map(ARG::matcher).filter(Matcher::matches).toList();
    assertThat(args).as("%s declares BASE_IMAGE before FROM", dockerfile).hasSize(1);
    String fallback = args.get(0).group(1);
    if (fallback != null) {
      assertThat(fallback)
          .as("%s: a default base must be pinned by digest", dockerfile)
          .matches(".+@sha256:[0-9a-f]{64}");
    }
  }
}

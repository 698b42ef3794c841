package io.tributary.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * kubectl, the way a user drives Tributary. The cluster comes from e2e/cluster.sh (KUBECONFIG and
 * PATH from `e2e/cluster.sh env`, which ./test.sh sets).
 */
public final class Kubectl {
  /** What one kubectl call said. */
  public record Result(int exit, String out, String err) {
    public Result ok() {
      if (exit != 0) throw new AssertionError("kubectl failed (" + exit + "): " + err + out);
      return this;
    }
  }

  private Kubectl() {}

  public static Result run(String... args) {
    return withInput(null, args);
  }

  /** Runs kubectl with {@code stdin} (may be null) as standard input. */
  public static Result withInput(String stdin, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("kubectl");
    cmd.addAll(List.of(args));
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectOutput(ProcessBuilder.Redirect.PIPE)
              .redirectError(ProcessBuilder.Redirect.PIPE)
              .start();
      if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      var out = p.getInputStream().readAllBytes();
      var err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl " + String.join(" ", args) + " timed out");
      }
      return new Result(
          p.exitValue(),
          new String(out, StandardCharsets.UTF_8),
          new String(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kubectl (is PATH from `e2e/cluster.sh env`?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public static Result apply(String yaml) {
    return withInput(yaml, "apply", "-f", "-").ok();
  }

  /** A jsonpath of an object, "" when absent. */
  public static String jsonpath(String kind, String namespace, String name, String path) {
    List<String> args =
        new ArrayList<>(List.of("get", kind, name, "-o", "jsonpath={" + path + "}"));
    if (namespace != null) args.addAll(List.of("-n", namespace));
    Result r = run(args.toArray(String[]::new));
    return r.exit() == 0 ? r.out().trim() : "";
  }

  /** The repository root (the e2e module runs with e2e/ as working directory). */
  public static Path repo() {
    return Path.of("..").toAbsolutePath().normalize();
  }
}

package io.tributary.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

  /** The longest one kubectl call may take; waits for a condition belong in Awaitility. */
  static final Duration TIMEOUT = Duration.ofSeconds(120);

  private Kubectl() {}

  public static Result run(String... args) {
    return withInput(null, args);
  }

  /** Runs kubectl with {@code stdin} (may be null) as standard input. */
  public static Result withInput(String stdin, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("kubectl");
    cmd.addAll(List.of(args));
    return exec(cmd, stdin, TIMEOUT);
  }

  /**
   * Runs {@code cmd} and fails once it has run for {@code timeout}. Input and output go through
   * files, not pipes: a process blocked on a full pipe, or one that never closes its output, can
   * then neither hang the test nor keep the timeout from firing. On a timeout the whole process
   * tree is killed, so a stuck child cannot outlive the test either.
   */
  static Result exec(List<String> cmd, String stdin, Duration timeout) {
    Path in = null;
    Path out = null;
    Path err = null;
    try {
      in = Files.createTempFile("kubectl-in", ".txt");
      out = Files.createTempFile("kubectl-out", ".txt");
      err = Files.createTempFile("kubectl-err", ".txt");
      Files.writeString(in, stdin == null ? "" : stdin);
      Process p =
          new ProcessBuilder(cmd)
              .redirectInput(in.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor();
        throw new AssertionError(
            String.join(" ", cmd)
                + " timed out after "
                + timeout.toSeconds()
                + "s; output so far: "
                + Files.readString(out)
                + Files.readString(err));
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kubectl (is PATH from `e2e/cluster.sh env`?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      for (Path f : new Path[] {in, out, err}) {
        if (f != null) f.toFile().delete();
      }
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

  /**
   * {@code kubectl get pods -n <namespace> -l <selector> -o <output>}, trimmed; fails the test if
   * kubectl does.
   *
   * @param output e.g. {@code name} or {@code jsonpath={.items[*].spec.nodeName}}
   */
  public static String pods(String namespace, String selector, String output) {
    return run("get", "pods", "-n", namespace, "-l", selector, "-o", output).ok().out().trim();
  }

  /** The repository root (the e2e module runs with e2e/ as working directory). */
  public static Path repo() {
    return Path.of("..").toAbsolutePath().normalize();
  }
}

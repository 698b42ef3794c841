package io.tributary.e2e;

import java.time.Duration;
import java.util.List;

/** Commands on the host, beside the cluster: readers of what pipelines wrote. */
final class Host {
  private Host() {}

  /** Runs {@code cmd}; its standard output, or the test fails with what it said. */
  static String run(String... cmd) {
    Kubectl.Result r = Kubectl.exec(List.of(cmd), null, Duration.ofMinutes(5));
    if (r.exit() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed (" + r.exit() + "): " + r.err());
    }
    return r.out();
  }

  /** The python of PyIceberg's venv (installed once into .cache/ by its script). */
  static String pyIceberg() {
    return run(Kubectl.repo()
            .resolve("runtime-image/worker/src/test/pyiceberg/install.sh")
            .toString())
        .trim();
  }
}

package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The helper every E2E test drives the cluster with. A kubectl that hangs (an API server that
 * stopped answering, a watch that never ends) must fail the test after the timeout instead of
 * hanging the suite; runs without a cluster, as part of the normal build.
 */
class KubectlTest {
  @TempDir Path dir;

  private Path script(String name, String body) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
    return f;
  }

  @Test
  void aCommandThatHangsFailsAtTheTimeoutAndIsKilledWithItsChildren() throws Exception {
    Path pids = dir.resolve("pids");
    // Prints, then waits on a child that holds stdout open: the old helper read stdout to the
    // end before it ever looked at the clock, so it waited the full ten minutes.
    Path hang = script("hang", "sleep 600 &\necho $$ $! > " + pids + "\necho waiting\nwait\n");

    assertThatThrownBy(() -> Kubectl.exec(List.of(hang.toString()), null, Duration.ofSeconds(5)))
        .isInstanceOf(AssertionError.class)
        .hasMessage(hang + " timed out after 5s; output so far: waiting\n");

    for (String pid : Files.readString(pids).trim().split(" ")) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> ProcessHandle.of(Long.parseLong(pid)).map(p -> !p.isAlive()).orElse(true));
    }
  }

  @Test
  void inputOutputErrorAndExitCodeComeBackWhole() throws Exception {
    // More than a pipe buffer (64 KiB) on each stream: nothing may block on a full pipe.
    String big = "x".repeat(200_000);
    Path echo = script("echo", "cat\necho to-stderr-" + big.length() + " >&2\nexit 3\n");

    Kubectl.Result r = Kubectl.exec(List.of(echo.toString()), big, Duration.ofSeconds(60));

    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.out()).isEqualTo(big);
    assertThat(r.err()).isEqualTo("to-stderr-200000\n");
    assertThatThrownBy(r::ok).isInstanceOf(AssertionError.class).hasMessageContaining("(3)");
  }
}

package io.tributary.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real MLServer (PyPI {@code mlserver} + {@code mlserver-sklearn}, installed into .cache/ by
 * src/test/mlserver/install.sh) serving the model src/test/mlserver/train.py trains, on loopback
 * ports. {@link #close} kills it; {@link #kill} does so mid-test, as a crashed server.
 */
public final class MlServer implements AutoCloseable {
  private static final Path SCRIPTS = Path.of("src/test/mlserver").toAbsolutePath();

  private final Process process;
  private final int port;
  private final Path dir;

  private MlServer(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /** Installs (once), trains into {@code dir}, starts, and waits until model fraud is ready. */
  public static MlServer start(Path dir) throws Exception {
    Path bin = Path.of(run(List.of(SCRIPTS.resolve("install.sh").toString()), dir).strip());
    int http = freePort();
    run(
        List.of(
            bin.resolve("python").toString(),
            SCRIPTS.resolve("train.py").toString(),
            dir.toString(),
            String.valueOf(http),
            String.valueOf(freePort()),
            String.valueOf(freePort())),
        dir);
    Process p =
        new ProcessBuilder(bin.resolve("mlserver").toString(), "start", dir.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("mlserver.log").toFile())
            .start();
    MlServer server = new MlServer(p, http, dir);
    server.awaitReady(Duration.ofSeconds(120));
    return server;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** train.py's expected.json: the inputs and scikit-learn's predict_proba for them. */
  public Path expected() {
    return dir.resolve("expected.json");
  }

  public void kill() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }

  private void awaitReady(Duration timeout) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long until = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < until) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "mlserver exited "
                + process.exitValue()
                + ": "
                + Files.readString(dir.resolve("mlserver.log")));
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create(url() + "/v2/models/fraud/ready")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) return;
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    kill();
    throw new IllegalStateException(
        "mlserver not ready in " + timeout + ": " + Files.readString(dir.resolve("mlserver.log")));
  }

  private static String run(List<String> command, Path dir) throws Exception {
    Path log = Files.createTempFile(dir, "cmd", ".log");
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectError(log.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(command + " failed: " + Files.readString(log));
    }
    return out;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.tributary.runtime.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A private Redis server for integration tests: {@code redis-server} on a free loopback port with
 * persistence off, shared by every test in the JVM and stopped at exit.
 */
public final class Redis {
  private static Redis shared;

  private final int port;
  private final List<String> args;
  private Process process;

  private Redis(Process process, int port, List<String> args) {
    this.process = process;
    this.port = port;
    this.args = args;
  }

  public static synchronized Redis shared() {
    if (shared == null) {
      shared = start();
      Redis started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "redis-stop"));
    }
    return shared;
  }

  /**
   * A server of the caller's own, e.g. a replica ({@code "--replicaof", "127.0.0.1", port}) or one
   * to run out of memory; the caller stops it.
   */
  public static Redis startPrivate(String... args) {
    return start(args);
  }

  private static Redis start(String... args) {
    try {
      int port = Postgres.freePort();
      return new Redis(launch(port, List.of(args)), port, List.of(args));
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start redis-server (apt-get install -y redis-server): " + e.getMessage(), e);
    }
  }

  /**
   * Starts the server again after {@link #stop()}, on the same port with the same arguments (with
   * {@code "--appendonly", "yes", "--dir", dir} it comes back with its data).
   */
  public void restart() {
    try {
      process = launch(port, args);
    } catch (IOException e) {
      throw new IllegalStateException("cannot restart redis-server: " + e.getMessage(), e);
    }
  }

  private static Process launch(int port, List<String> args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no"));
    command.addAll(args);
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (!answersPing(port)) {
      if (!p.isAlive()) {
        throw new IllegalStateException("redis-server exited with " + p.exitValue());
      }
      if (Instant.now().isAfter(deadline)) {
        p.destroyForcibly();
        throw new IllegalStateException("redis-server did not answer PING within 30s");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
    return p;
  }

  private static boolean answersPing(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] buf = new byte[7];
      int n = s.getInputStream().read(buf);
      String reply = n > 0 ? new String(buf, 0, n, StandardCharsets.US_ASCII) : "";
      // A server with requirepass answers NOAUTH: it is up.
      return reply.startsWith("+PONG") || reply.startsWith("-NOAUTH");
    } catch (IOException e) {
      return false;
    }
  }

  public int port() {
    return port;
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  /** Stops the server (SIGTERM: it writes its append-only file, if any) and waits for it. */
  public void stop() {
    process.destroy();
    try {
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

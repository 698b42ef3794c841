package io.tributary.runtime.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A private Redis server for integration tests: {@code redis-server} on a free loopback port with
 * persistence off, shared by every test in the JVM and stopped at exit.
 */
public final class Redis {
  private static Redis shared;

  private final Process process;
  private final int port;

  private Redis(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static synchronized Redis shared() {
    if (shared == null) {
      shared = start();
      Redis started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "redis-stop"));
    }
    return shared;
  }

  private static Redis start() {
    try {
      int port = Postgres.freePort();
      Process p =
          new ProcessBuilder(
                  List.of(
                      "redis-server",
                      "--port",
                      Integer.toString(port),
                      "--bind",
                      "127.0.0.1",
                      "--save",
                      "",
                      "--appendonly",
                      "no"))
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
      return new Redis(p, port);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start redis-server (apt-get install -y redis-server): " + e.getMessage(), e);
    }
  }

  private static boolean answersPing(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] buf = new byte[7];
      int n = s.getInputStream().read(buf);
      return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
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

  public void stop() {
    process.destroy();
  }
}

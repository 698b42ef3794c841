package io.tributary.runtime.testing;

import io.tributary.pipeline.ObjectStore;
import io.tributary.pipeline.SecretKeyRef;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible object store for integration tests: SeaweedFS ({@code weed server} with its
 * S3 gateway), built from its Go module by {@code e2e/lib/seaweedfs.sh build} (cached under
 * .cache/; ./test.sh builds it before Maven) and started by the same script's {@code serve} on
 * loopback ports, in a temp directory, with an identities file: anonymous requests are refused.
 * Shared by every test in the JVM and stopped at exit.
 */
public final class SeaweedFs {
  public static final String ACCESS_KEY = "tributary-test";
  public static final String SECRET_KEY = "tributary-test-secret-key";

  private static final Path SCRIPT =
      Path.of("../../e2e/lib/seaweedfs.sh").toAbsolutePath().normalize();
  private static SeaweedFs shared;

  private final Process process;
  private final int port;
  private final Path dir;

  private SeaweedFs(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  public static synchronized SeaweedFs shared() {
    if (shared == null) {
      try {
        shared = start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start SeaweedFS: " + e.getMessage(), e);
      }
      SeaweedFs started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "seaweedfs-stop"));
    }
    return shared;
  }

  private static SeaweedFs start() throws IOException {
    run(List.of(SCRIPT.toString(), "build"), Duration.ofMinutes(15));
    Path dir = Files.createTempDirectory("seaweedfs-");
    Path config = dir.resolve("s3.json");
    Files.writeString(
        config,
        run(List.of(SCRIPT.toString(), "config", ACCESS_KEY, SECRET_KEY), Duration.ofMinutes(1)));
    int port = freePorts();
    Process p =
        new ProcessBuilder(
                SCRIPT.toString(),
                "serve",
                dir.resolve("data").toString(),
                "127.0.0.1",
                Integer.toString(port),
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("weed.log").toFile())
            .start();
    SeaweedFs s = new SeaweedFs(p, port, dir);
    s.awaitReady();
    return s;
  }

  /** The S3 API's URL, e.g. http://127.0.0.1:23456. */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** A client with the test identity. */
  public S3Client client() {
    return S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .endpointOverride(URI.create(endpoint()))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build();
  }

  /** Creates a bucket of this name (a fresh one per test keeps tests apart). */
  public void createBucket(String bucket) {
    try (S3Client s3 = client()) {
      s3.createBucket(b -> b.bucket(bucket));
    }
  }

  /**
   * The store as a pipeline names it: this endpoint, path-style, the credentials in Secret {@code
   * s3} (keys {@code access-key-id}, {@code secret-access-key}); see {@link #writeSecrets}.
   */
  public ObjectStore store() {
    return ObjectStore.at(
        endpoint(),
        new SecretKeyRef("s3", "access-key-id"),
        new SecretKeyRef("s3", "secret-access-key"));
  }

  /** Writes the credentials as the operator mounts Secret {@code s3}: one file per key. */
  public static Path writeSecrets(Path secretsDir) throws IOException {
    Path s3 = secretsDir.resolve("s3");
    Files.createDirectories(s3);
    Files.writeString(s3.resolve("access-key-id"), ACCESS_KEY);
    Files.writeString(s3.resolve("secret-access-key"), SECRET_KEY);
    return secretsDir;
  }

  /** The keys under {@code prefix} of {@code bucket}, sorted. */
  public List<String> keys(String bucket, String prefix) {
    try (S3Client s3 = client()) {
      return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
          .map(o -> o.key())
          .sorted()
          .toList();
    }
  }

  /** The object's content. */
  public byte[] get(String bucket, String key) {
    try (S3Client s3 = client()) {
      return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }
  }

  private void awaitReady() throws IOException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    SdkException last = null;
    String probe = "ready-probe";
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException(
            "weed exited with " + process.exitValue() + ": " + tail(dir.resolve("weed.log")));
      }
      try (S3Client s3 = client()) {
        s3.createBucket(b -> b.bucket(probe));
        s3.putObject(
            b -> b.bucket(probe).key("k"),
            software.amazon.awssdk.core.sync.RequestBody.fromString("x"));
        return;
      } catch (SdkException e) {
        last = e;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    throw new IOException(
        "SeaweedFS did not serve S3 within 2 minutes ("
            + (last == null ? "" : last.getMessage())
            + "): "
            + tail(dir.resolve("weed.log")));
  }

  private static String tail(Path log) throws IOException {
    String s = Files.exists(log) ? Files.readString(log) : "";
    return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
  }

  void stop() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A port P such that P..P+3 (S3, master, volume, filer) and each + 10000 (their gRPC ports) are
   * free on loopback.
   */
  private static int freePorts() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int p = ThreadLocalRandom.current().nextInt(20_000, 40_000);
      if (free(p)
          && free(p + 1)
          && free(p + 2)
          && free(p + 3)
          && free(p + 10_000)
          && free(p + 10_001)
          && free(p + 10_002)
          && free(p + 10_003)) {
        return p;
      }
    }
    throw new IOException("no free block of loopback ports for SeaweedFS");
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String run(List<String> command, Duration patience) throws IOException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed");
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + command, e);
    }
  }
}

package io.tributary.runtime.storage;

import io.tributary.pipeline.ObjectStore;
import io.tributary.runtime.batch.SecretFiles;
import java.net.URI;
import java.util.Map;
import org.apache.iceberg.aws.s3.S3FileIO;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * Clients of an S3-compatible store, configured from a plan's {@link ObjectStore}: endpoint,
 * region, addressing style, and the credentials read from the mounted Secret files. One place
 * builds them, so the lake sink, the Iceberg warehouse, the files source and the dead letters reach
 * a store the same way.
 */
public final class ObjectStores {
  private ObjectStores() {}

  /**
   * A client of {@code store}; {@code field} (e.g. {@code sink.lake.s3}) names the settings in
   * errors. The plan carries every default (region, pathStyle), so nothing is defaulted here.
   */
  public static S3Client client(ObjectStore store, SecretFiles secrets, String field) {
    Credentials c = credentials(store, secrets, field);
    var b =
        S3Client.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .region(Region.of(store.region()))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(c.id(), c.secret())))
            // Flexible checksums only where the API requires them: S3-compatible stores differ in
            // which of the newer checksum headers they accept.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .serviceConfiguration(
                S3Configuration.builder()
                    .pathStyleAccessEnabled(Boolean.TRUE.equals(store.pathStyle()))
                    .build());
    if (store.endpoint() != null) {
      b.endpointOverride(URI.create(store.endpoint()));
    }
    return b.build();
  }

  /** The object operations of the lake and the files source on {@code store}. */
  public static S3Objects objects(ObjectStore store, SecretFiles secrets, String field) {
    return new S3Objects(client(store, secrets, field), field);
  }

  /**
   * Iceberg's S3FileIO on {@code store}: its own client of the same settings, for the data,
   * manifest and metadata files of a warehouse under s3://.
   */
  public static S3FileIO fileIO(ObjectStore store, SecretFiles secrets, String field) {
    // Read the credentials now: a missing Secret file fails the run at start, naming the field.
    credentials(store, secrets, field);
    S3FileIO io = new S3FileIO(() -> client(store, secrets, field));
    io.initialize(Map.of());
    return io;
  }

  private record Credentials(String id, String secret) {}

  private static Credentials credentials(ObjectStore store, SecretFiles secrets, String field) {
    return new Credentials(
        secrets.read(store.accessKeyIdSecretRef(), field + ".accessKeyIdSecretRef"),
        secrets.read(store.secretAccessKeySecretRef(), field + ".secretAccessKeySecretRef"));
  }
}

package io.tributary.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * How the worker reaches an S3-compatible object store (AWS S3, MinIO, SeaweedFS, Ceph RGW...) for
 * an {@code s3://bucket/prefix} path: the endpoint, the region, the addressing style and the
 * credentials, both read from Secret keys. Neither credential enters the plan, a log or a status.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ObjectStore(
    @Size(max = 2048)
        @Pattern("^https?://[^/?#@]+(/.*)?$")
        @JsonPropertyDescription(
            "Endpoint URL of the S3 API, e.g. http://seaweedfs.storage:8333 or"
                + " https://minio.example.com. Absent: AWS S3 of the region.")
        String endpoint,
    @Size(max = 64)
        @Pattern("^[a-z0-9-]+$")
        @JsonPropertyDescription(
            "Region the requests are signed for (default us-east-1, which MinIO and SeaweedFS"
                + " accept).")
        String region,
    @JsonPropertyDescription(
            "Path-style requests (http://endpoint/bucket/key) instead of virtual-hosted ones"
                + " (http://bucket.endpoint/key); MinIO and SeaweedFS need true (default false).")
        Boolean pathStyle,
    @Required @JsonPropertyDescription("Secret key holding the access key id.")
        SecretKeyRef accessKeyIdSecretRef,
    @Required @JsonPropertyDescription("Secret key holding the secret access key.")
        SecretKeyRef secretAccessKeySecretRef) {

  /** A store at {@code endpoint} with path-style requests and these credentials. */
  public static ObjectStore at(String endpoint, SecretKeyRef accessKeyId, SecretKeyRef secret) {
    return new ObjectStore(endpoint, null, true, accessKeyId, secret);
  }
}

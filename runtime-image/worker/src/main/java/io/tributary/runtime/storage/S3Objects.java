package io.tributary.runtime.storage;

import io.tributary.runtime.batch.RunFailure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The few object operations the lake and the files source need, over an {@link S3Client}, with the
 * SDK's exceptions turned into {@link IOException}s that name the location (a failed run is
 * retried; the message tells the user which object).
 *
 * <p>What S3 guarantees and the lake relies on: a PUT or a copy makes an object appear whole or not
 * at all, and a read after a successful write sees it (strong read-after-write consistency, which
 * AWS S3, MinIO and SeaweedFS give).
 */
public final class S3Objects implements AutoCloseable {
  private final S3Client s3;
  private final String field;

  /**
   * @param field the plan field of the store's settings, named in errors
   */
  public S3Objects(S3Client s3, String field) {
    this.s3 = s3;
    this.field = field;
  }

  /** Whether the object exists. */
  public boolean exists(S3Location at) throws IOException {
    try {
      s3.headObject(b -> b.bucket(at.bucket()).key(at.key()));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) return false;
      throw failed("HEAD", at, e);
    } catch (SdkException e) {
      throw failed("HEAD", at, e);
    }
  }

  /** The object's bytes. */
  public byte[] read(S3Location at) throws IOException {
    try {
      return s3.getObjectAsBytes(b -> b.bucket(at.bucket()).key(at.key())).asByteArray();
    } catch (SdkException e) {
      throw failed("GET", at, e);
    }
  }

  /** The object's content as a stream; the caller closes it. */
  public InputStream open(S3Location at) throws IOException {
    try {
      return s3.getObject(b -> b.bucket(at.bucket()).key(at.key()));
    } catch (SdkException e) {
      throw failed("GET", at, e);
    }
  }

  /** Copies the object into a local file (replacing it). */
  public void download(S3Location at, Path file) throws IOException {
    try (InputStream in = open(at)) {
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Writes the object: it appears whole or not at all. */
  public void put(S3Location at, byte[] bytes) throws IOException {
    try {
      s3.putObject(b -> b.bucket(at.bucket()).key(at.key()), RequestBody.fromBytes(bytes));
    } catch (SdkException e) {
      throw failed("PUT", at, e);
    }
  }

  /** Uploads a local file as the object. */
  public void upload(Path file, S3Location at) throws IOException {
    try {
      s3.putObject(b -> b.bucket(at.bucket()).key(at.key()), RequestBody.fromFile(file));
    } catch (SdkException e) {
      throw failed("PUT", at, e);
    }
  }

  /**
   * Copies an object inside the store (server side). Returns false when {@code from} does not
   * exist; the copy replaces {@code to}, so repeating it is harmless.
   */
  public boolean copy(S3Location from, S3Location to) throws IOException {
    try {
      s3.copyObject(
          b ->
              b.sourceBucket(from.bucket())
                  .sourceKey(from.key())
                  .destinationBucket(to.bucket())
                  .destinationKey(to.key()));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) return false;
      throw failed("COPY to " + to + " from", from, e);
    } catch (SdkException e) {
      throw failed("COPY to " + to + " from", from, e);
    }
  }

  /** Deletes the object; deleting one that is not there is not an error. */
  public void delete(S3Location at) throws IOException {
    try {
      s3.deleteObject(b -> b.bucket(at.bucket()).key(at.key()));
    } catch (SdkException e) {
      throw failed("DELETE", at, e);
    }
  }

  /** Every object whose key starts with {@code prefix}'s {@link S3Location#prefix()}, by key. */
  public List<S3Location> list(S3Location prefix) throws IOException {
    List<S3Location> out = new ArrayList<>();
    try {
      for (S3Object o :
          s3.listObjectsV2Paginator(b -> b.bucket(prefix.bucket()).prefix(prefix.prefix()))
              .contents()) {
        out.add(new S3Location(prefix.bucket(), o.key()));
      }
    } catch (SdkException e) {
      throw failed("LIST", prefix, e);
    }
    out.sort((a, b) -> a.key().compareTo(b.key()));
    return out;
  }

  /** Deletes every object below {@code prefix}. */
  public void deleteAll(S3Location prefix) throws IOException {
    for (S3Location o : list(prefix)) {
      delete(o);
    }
  }

  @Override
  public void close() {
    s3.close();
  }

  private RunFailure failed(String op, S3Location at, SdkException e) {
    String what = op + " " + at + " failed: " + e.getMessage();
    if (e instanceof S3Exception s) {
      String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
      if (s.statusCode() == 401 || s.statusCode() == 403) {
        return RunFailure.permanent(
            what
                + "; the store refused the credentials of "
                + field
                + " (accessKeyIdSecretRef, secretAccessKeySecretRef): check the Secret's keys and"
                + " that the identity may read and write the bucket",
            e);
      }
      if ("NoSuchBucket".equals(code)) {
        return RunFailure.permanent(
            what + "; the bucket does not exist at " + field + ": create it or fix the path", e);
      }
    }
    return RunFailure.retryable(what, e);
  }
}

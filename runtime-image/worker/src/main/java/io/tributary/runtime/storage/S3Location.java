package io.tributary.runtime.storage;

/**
 * An {@code s3://bucket/key} location, split. The key has no leading slash and, for a prefix, no
 * trailing one: {@code s3://lake/curated/} is bucket {@code lake}, key {@code curated}.
 */
public record S3Location(String bucket, String key) {
  public static final String SCHEME = "s3://";

  /** Whether {@code path} names an object store location rather than a local path. */
  public static boolean isS3(String path) {
    return path != null && path.startsWith(SCHEME);
  }

  /** Parses {@code s3://bucket[/key]}. */
  public static S3Location parse(String path) {
    if (!isS3(path)) {
      throw new IllegalArgumentException(path + " is not an s3://bucket/key location");
    }
    String rest = path.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String key = slash < 0 ? "" : rest.substring(slash + 1);
    while (key.endsWith("/")) key = key.substring(0, key.length() - 1);
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException(path + " names no bucket");
    }
    return new S3Location(bucket, key);
  }

  /** The location of {@code relative} (a key relative to this one, '/'-separated) below this. */
  public S3Location resolve(String relative) {
    if (relative.isEmpty()) return this;
    return new S3Location(bucket, key.isEmpty() ? relative : key + "/" + relative);
  }

  /** This key as a prefix for listing what lies below it: ends with '/' unless it is empty. */
  public String prefix() {
    return key.isEmpty() ? "" : key + "/";
  }

  @Override
  public String toString() {
    return SCHEME + bucket + (key.isEmpty() ? "" : "/" + key);
  }
}

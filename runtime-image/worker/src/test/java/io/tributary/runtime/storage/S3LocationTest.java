package io.tributary.runtime.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class S3LocationTest {
  @Test
  void splitsBucketAndKeyWithoutSlashesAtTheEnds() {
    assertThat(S3Location.parse("s3://lake/curated/orders/"))
        .isEqualTo(new S3Location("lake", "curated/orders"));
    assertThat(S3Location.parse("s3://lake")).isEqualTo(new S3Location("lake", ""));
    assertThat(S3Location.parse("s3://lake/").prefix()).isEmpty();
    assertThat(S3Location.parse("s3://lake/a").prefix()).isEqualTo("a/");
  }

  @Test
  void resolvesRelativeKeysAndPrintsAsTheUserWroteIt() {
    S3Location ds = S3Location.parse("s3://lake/curated/orders");
    assertThat(ds.resolve("_runs/run-1.json").toString())
        .isEqualTo("s3://lake/curated/orders/_runs/run-1.json");
    assertThat(S3Location.parse("s3://lake").resolve("x").toString()).isEqualTo("s3://lake/x");
  }

  @Test
  void onlyS3LocationsAreS3() {
    assertThat(S3Location.isS3("/lake/x")).isFalse();
    assertThat(S3Location.isS3("s3://lake/x")).isTrue();
    assertThatThrownBy(() -> S3Location.parse("/lake/x")).hasMessageContaining("s3://bucket/key");
    assertThatThrownBy(() -> S3Location.parse("s3:///x")).hasMessageContaining("names no bucket");
  }
}

package io.tributary.pipeline.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.SecretKeyRef;
import java.util.List;

/** Masks personal data in named fields. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "has(self.keySecretRef) || self.fields.all(f, f.method != 'hmac' && f.method != 'tokenize')",
    message = "mask: methods hmac and tokenize need mask.keySecretRef (a Secret with the key)")
public record MaskTransform(
    @JsonPropertyDescription(
            "Secret key holding the masking key for hmac and tokenize. Rotating it changes every"
                + " masked value.")
        SecretKeyRef keySecretRef,
    // maxItems bounds the cost of the rule above, which iterates the list (CEL cost limits).
    @Required @Size(min = 1, max = 128) @JsonPropertyDescription("Fields to mask and how.")
        List<Field> fields) {

  /** One masked field. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "self.method != 'keepLast' || has(self.keep)",
      message = "mask.fields[].method keepLast needs keep (how many trailing characters)")
  @ValidationRule(
      value = "self.method != 'generalize' || has(self.generalize)",
      message =
          "mask.fields[].method generalize needs generalize (year, month, bucket or ipv4Subnet)")
  @ValidationRule(
      value =
          "!has(self.generalize) || self.generalize != 'bucket' || (has(self.bucketSize) &&"
              + " self.bucketSize > 0.0)",
      message =
          "mask.fields[].generalize bucket needs bucketSize, the bucket width (> 0), e.g. 10 ->"
              + " 30-39")
  public record Field(
      @Required @JsonPropertyDescription("Field to mask.") String field,
      @Required
          @JsonPropertyDescription(
              "hmac: HMAC-SHA256 hex with the secret key; redact: replace by ***; keepLast: keep"
                  + " the last `keep` characters; generalize: coarsen (see generalize);"
                  + " tokenize: deterministic token tok_<hash>; drop: remove the field.")
          Method method,
      @Min(0) @Max(64) @JsonPropertyDescription("Characters kept by keepLast.") Integer keep,
      @JsonPropertyDescription(
              "year or month for dates, bucket for numbers (with bucketSize), ipv4Subnet for IPv4"
                  + " addresses (-> a.b.c.0/24).")
          Generalize generalize,
      @Min(0) @JsonPropertyDescription("Bucket width for generalize bucket, e.g. 10 -> 30-39.")
          Double bucketSize) {

    /** Mask {@code field} by {@code method}, with no method options set. */
    public static Field of(String field, Method method) {
      return new Field(field, method, null, null, null);
    }

    /** The same field, keeping the last {@code keep} characters (method keepLast). */
    public Field withKeep(int keep) {
      return new Field(field, method, keep, generalize, bucketSize);
    }

    /** The same field, generalized to {@code level} (method generalize). */
    public Field withGeneralize(Generalize level) {
      return new Field(field, method, keep, level, bucketSize);
    }

    /** The same field, with bucket width {@code size} (generalize bucket). */
    public Field withBucketSize(double size) {
      return new Field(field, method, keep, generalize, size);
    }
  }

  /** Masking method. */
  public enum Method {
    @JsonProperty("hmac")
    HMAC,
    @JsonProperty("redact")
    REDACT,
    @JsonProperty("keepLast")
    KEEP_LAST,
    @JsonProperty("generalize")
    GENERALIZE,
    @JsonProperty("tokenize")
    TOKENIZE,
    @JsonProperty("drop")
    DROP
  }

  /** Generalization levels. */
  public enum Generalize {
    @JsonProperty("year")
    YEAR,
    @JsonProperty("month")
    MONTH,
    @JsonProperty("bucket")
    BUCKET,
    @JsonProperty("ipv4Subnet")
    IPV4_SUBNET
  }
}

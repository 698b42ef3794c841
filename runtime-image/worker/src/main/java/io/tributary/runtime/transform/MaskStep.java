package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.pipeline.transform.MaskTransform.Field;
import io.tributary.pipeline.transform.MaskTransform.Generalize;
import io.tributary.pipeline.transform.MaskTransform.Method;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Masks personal data. Missing fields stay missing and nulls stay null (there is nothing to hide),
 * except {@code drop}, which removes the field either way. Non-string scalars are masked through
 * their JSON text, so 4111111111111111 and "4111111111111111" mask alike.
 */
final class MaskStep implements Step {
  static final String REDACTED = "***";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Pattern IPV4 =
      Pattern.compile("^(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}$");

  private final List<Field> fields;
  private final ThreadLocal<Mac> mac;

  /**
   * @param spec checked by the plan check: every field has what its method needs
   * @param key the masking key, or null when no field uses hmac or tokenize
   */
  MaskStep(MaskTransform spec, byte[] key) {
    this.fields = List.copyOf(spec.fields());
    this.mac =
        key == null
            ? null
            : ThreadLocal.withInitial(
                () -> {
                  try {
                    Mac m = Mac.getInstance("HmacSHA256");
                    m.init(new SecretKeySpec(key, "HmacSHA256"));
                    return m;
                  } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HmacSHA256 is not available", e);
                  }
                });
  }

  @Override
  public void process(ObjectNode record, Instant now, Consumer<ObjectNode> out) {
    for (Field f : fields) {
      if (f.method() == Method.DROP) {
        record.remove(f.field());
        continue;
      }
      JsonNode v = record.get(f.field());
      if (v == null || v.isNull()) {
        continue;
      }
      record.set(f.field(), mask(f, v));
    }
    out.accept(record);
  }

  /**
   * {@code v} masked as {@code f} says (not drop).
   *
   * @throws StepRejection when the method cannot apply to the value (a container, not a date)
   */
  JsonNode mask(Field f, JsonNode v) {
    if (v.isContainerNode()) {
      if (f.method() == Method.REDACT) {
        return JSON.textNode(REDACTED);
      }
      throw new StepRejection(
          "field '" + f.field() + "' is a " + Timestamps.kind(v) + "; mask it with redact or drop");
    }
    String text = v.asText();
    return switch (f.method()) {
      case HMAC -> JSON.textNode(hmacHex(text.getBytes(StandardCharsets.UTF_8)));
      case TOKENIZE -> JSON.textNode(token(text));
      case REDACT -> JSON.textNode(REDACTED);
      case KEEP_LAST -> JSON.textNode(keepLast(text, f.keep()));
      case GENERALIZE -> generalize(f, v);
      case DROP -> throw new IllegalStateException("drop is handled before");
    };
  }

  String hmacHex(byte[] data) {
    return HexFormat.of().formatHex(mac.get().doFinal(data));
  }

  /**
   * A deterministic token, domain-separated from hmac so a token never equals the hmac of the same
   * value.
   */
  private String token(String text) {
    return "tok_"
        + hmacHex(("tokenize\u0000" + text).getBytes(StandardCharsets.UTF_8)).substring(0, 24);
  }

  /** Replaces all but the last {@code keep} code points by '*'. */
  static String keepLast(String s, int keep) {
    int n = s.codePointCount(0, s.length());
    if (n <= keep) {
      return s;
    }
    int cut = s.offsetByCodePoints(0, n - keep);
    return "*".repeat(n - keep) + s.substring(cut);
  }

  private static JsonNode generalize(Field f, JsonNode v) {
    String field = f.field();
    switch (f.generalize()) {
      case YEAR, MONTH -> {
        Instant t;
        try {
          t = Timestamps.parse(v, null);
        } catch (IllegalArgumentException e) {
          throw new StepRejection("field '" + field + "' " + e.getMessage());
        }
        var date = t.atOffset(ZoneOffset.UTC);
        return JSON.textNode(
            f.generalize() == Generalize.YEAR
                ? String.valueOf(date.getYear())
                : String.format("%04d-%02d", date.getYear(), date.getMonthValue()));
      }
      case BUCKET -> {
        BigDecimal value = NormalizeStep.toDecimal(field, v);
        BigDecimal size = BigDecimal.valueOf(f.bucketSize());
        BigDecimal lo = value.divide(size, 0, RoundingMode.FLOOR).multiply(size);
        if (size.stripTrailingZeros().scale() <= 0) {
          // Integer buckets read naturally as closed ranges: 30-39.
          BigDecimal hi = lo.add(size).subtract(BigDecimal.ONE);
          return JSON.textNode(plain(lo) + "-" + plain(hi));
        }
        return JSON.textNode(plain(lo) + "-<" + plain(lo.add(size)));
      }
      case IPV4_SUBNET -> {
        String ip = v.asText().strip();
        if (!IPV4.matcher(ip).matches()) {
          throw new StepRejection("field '" + field + "' is not an IPv4 address");
        }
        return JSON.textNode(ip.substring(0, ip.lastIndexOf('.')) + ".0/24");
      }
      default -> throw new IllegalStateException("unknown generalize " + f.generalize());
    }
  }

  private static String plain(BigDecimal d) {
    return d.stripTrailingZeros().toPlainString();
  }
}

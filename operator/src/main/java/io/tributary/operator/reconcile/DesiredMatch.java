package io.tributary.operator.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether an object in the cluster still holds what we rendered: every field we set has our value
 * (desired ⊆ actual). Fields the API server or other controllers add (defaults, status,
 * managedFields, other annotations) are ignored; a field we set that someone changed or removed is
 * a difference. Like Go's omitempty, a missing field equals an empty or zero value, and quantities
 * (resources, volume sizes) compare by amount ("1000m" is "1"), because the API server writes them
 * that way.
 *
 * <p>It works with server-side apply and with the mock server alike, which JOSDK's SSA-based
 * matcher (it needs managedFields) does not.
 */
public final class DesiredMatch {
  private static final Pattern QUANTITY =
      Pattern.compile("^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+|[numkKMGTPE]i?)?$");

  private DesiredMatch() {}

  /** The first path where {@code actual} does not hold {@code desired}, if any. */
  public static Optional<String> difference(HasMetadata desired, HasMetadata actual) {
    JsonNode d = Serialization.jsonMapper().valueToTree(desired);
    JsonNode a = Serialization.jsonMapper().valueToTree(actual);
    Optional<String> meta =
        firstOf(
            difference(
                "metadata.labels",
                d.path("metadata").path("labels"),
                a.path("metadata").path("labels")),
            difference(
                "metadata.annotations",
                d.path("metadata").path("annotations"),
                a.path("metadata").path("annotations")),
            // An owner we name must be there (the operator's egress policy gains one later).
            difference(
                "metadata.ownerReferences",
                d.path("metadata").path("ownerReferences"),
                a.path("metadata").path("ownerReferences")));
    if (meta.isPresent()) return meta;
    for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext(); ) {
      var field = it.next();
      String key = field.getKey();
      if (key.equals("metadata") || key.equals("status")) continue;
      Optional<String> diff = difference(key, field.getValue(), a.path(key));
      if (diff.isPresent()) return diff;
    }
    return Optional.empty();
  }

  /** The first path where {@code actual} does not hold {@code desired}, for parts of objects. */
  public static Optional<String> differenceOf(String path, Object desired, Object actual) {
    return difference(
        path,
        Serialization.jsonMapper().valueToTree(desired),
        Serialization.jsonMapper().valueToTree(actual));
  }

  public static boolean holds(HasMetadata desired, HasMetadata actual) {
    return actual != null && difference(desired, actual).isEmpty();
  }

  /** desired ⊆ actual for JSON values; the path of the first difference, if any. */
  static Optional<String> difference(String path, JsonNode desired, JsonNode actual) {
    if (desired == null || desired.isNull() || desired.isMissingNode()) return Optional.empty();
    if (actual == null || actual.isMissingNode() || actual.isNull()) {
      return isEmpty(desired) ? Optional.empty() : Optional.of(path + " is missing");
    }
    if (desired.isObject()) {
      if (!actual.isObject()) return Optional.of(path + " is not an object");
      for (Iterator<Map.Entry<String, JsonNode>> it = desired.fields(); it.hasNext(); ) {
        var field = it.next();
        Optional<String> diff =
            difference(path + "." + field.getKey(), field.getValue(), actual.get(field.getKey()));
        if (diff.isPresent()) return diff;
      }
      return Optional.empty();
    }
    if (desired.isArray()) {
      if (!actual.isArray() || actual.size() != desired.size()) {
        return Optional.of(path + " has " + actual.size() + " items, want " + desired.size());
      }
      for (int i = 0; i < desired.size(); i++) {
        Optional<String> diff = difference(path + "[" + i + "]", desired.get(i), actual.get(i));
        if (diff.isPresent()) return diff;
      }
      return Optional.empty();
    }
    return sameValue(path, desired, actual)
        ? Optional.empty()
        : Optional.of(path + " is " + actual + ", want " + desired);
  }

  private static boolean sameValue(String path, JsonNode d, JsonNode a) {
    if (d.equals(a)) return true;
    if (d.isNumber() && a.isNumber()) return d.decimalValue().compareTo(a.decimalValue()) == 0;
    if (d.isTextual() && a.isTextual() && quantityField(path)) {
      String ds = d.asText();
      String as = a.asText();
      if (QUANTITY.matcher(ds).matches() && QUANTITY.matcher(as).matches()) {
        try {
          return Quantity.getAmountInBytes(new Quantity(ds))
                  .compareTo(Quantity.getAmountInBytes(new Quantity(as)))
              == 0;
        } catch (IllegalArgumentException | ArithmeticException e) {
          return false;
        }
      }
    }
    return false;
  }

  /** Resource requests and limits, and volume sizes: the fields the API server canonicalizes. */
  private static boolean quantityField(String path) {
    return path.contains("resources.") || path.endsWith("sizeLimit");
  }

  /** What Go's omitempty leaves out: empty strings, objects, lists, false and zero. */
  private static boolean isEmpty(JsonNode n) {
    return (n.isTextual() && n.asText().isEmpty())
        || (n.isContainerNode() && n.isEmpty())
        || (n.isBoolean() && !n.asBoolean())
        || (n.isNumber() && n.decimalValue().signum() == 0);
  }

  @SafeVarargs
  private static Optional<String> firstOf(Optional<String>... diffs) {
    for (Optional<String> d : diffs) if (d.isPresent()) return d;
    return Optional.empty();
  }
}

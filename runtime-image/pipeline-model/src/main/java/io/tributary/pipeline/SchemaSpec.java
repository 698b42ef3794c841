package io.tributary.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * The record schema. Drives the validate transform, lineage schema facets and the personal-data
 * policy. Either list fields or give a full JSON Schema document (the field list still carries the
 * classification of the fields it names).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SchemaSpec(
    @JsonPropertyDescription(
            "Fields of a record, with their types and classification (personal or sensitive"
                + " data).")
        List<Field> fields,
    @JsonPropertyDescription(
            "A JSON Schema (draft 2020-12) document as a string, for rules the field list cannot"
                + " express. When set, validate uses it instead of fields.")
        String jsonSchema) {

  /** One field of the schema. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  // On the class, not the component: Fabric8 copies a rule on a record component twice.
  @ValidationRule(
      value =
          "!has(self.classification) || !has(self.pii) || (self.pii && self.classification =="
              + " 'personal')",
      // No messageExpression naming the field: with unbounded names and lists the API server
      // estimates its cost far over the CRD budget and refuses the whole CRD. The error's path
      // (spec.schema.fields[i].classification) names the field instead.
      fieldPath = ".classification",
      message =
          "schema.fields[]: pii and classification disagree (pii: true means classification:"
              + " personal); keep only classification")
  public record Field(
      @Required @Pattern("^[A-Za-z_][A-Za-z0-9_]*$") @JsonPropertyDescription("Field name.")
          String name,
      @Required
          @JsonPropertyDescription("string, integer, number, boolean, timestamp, object or array.")
          Type type,
      @JsonPropertyDescription("The field must be present and not null.") Boolean required,
      @JsonPropertyDescription(
              "true: the field holds personal data; the same as classification: personal (kept"
                  + " for existing specs; prefer classification).")
          Boolean pii,
      @JsonPropertyDescription(
              "personal (data about a person: name, e-mail, account number) or sensitive (special"
                  + " categories: health, biometrics, beliefs, national id). A classified field,"
                  + " and any field computed from it, must be masked or dropped before the sink"
                  + " unless sink.allowClassified names it; otherwise the pipeline is refused"
                  + " (UnmaskedPersonalData). Dead letters always carry it masked.")
          Classification classification,
      @JsonPropertyDescription("What the field means.") String description) {

    /** An optional, unclassified field. */
    public static Field of(String name, Type type) {
      return new Field(name, type, null, null, null, null);
    }

    /** The same field, required. */
    public Field asRequired() {
      return new Field(name, type, true, pii, classification, description);
    }

    /** The same field, marked {@code pii: true} (personal data). */
    public Field asPii() {
      return new Field(name, type, required, true, classification, description);
    }

    /** The same field, classified as {@code level}. */
    public Field classified(Classification level) {
      return new Field(name, type, required, pii, level, description);
    }

    /** The same field, with a description. */
    public Field describedAs(String text) {
      return new Field(name, type, required, pii, classification, text);
    }

    /**
     * What the field holds: {@code classification}, else personal for {@code pii: true}, else null
     * (nothing to protect). When both are set and disagree, classification wins; the plan check
     * refuses such a field anyway.
     */
    public Classification classifiedAs() {
      if (classification != null) return classification;
      return Boolean.TRUE.equals(pii) ? Classification.PERSONAL : null;
    }

    /** Whether {@code pii} and {@code classification} are both set and mean different things. */
    public boolean classificationConflicts() {
      return classification != null
          && pii != null
          && !(pii && classification == Classification.PERSONAL);
    }
  }

  /** Field types. */
  public enum Type {
    @JsonProperty("string")
    STRING,
    @JsonProperty("integer")
    INTEGER,
    @JsonProperty("number")
    NUMBER,
    @JsonProperty("boolean")
    BOOLEAN,
    @JsonProperty("timestamp")
    TIMESTAMP,
    @JsonProperty("object")
    OBJECT,
    @JsonProperty("array")
    ARRAY
  }

  /**
   * What protection a field's values need, weakest first (later constants are stronger). Both
   * levels are held to the same rule (masked or dropped before any sink not allowed to hold them);
   * the level is reported in messages and lineage so auditors can tell them apart.
   */
  public enum Classification {
    /** Data about an identifiable person. */
    @JsonProperty("personal")
    PERSONAL("personal"),
    /** Special categories of personal data (health, biometrics, beliefs, national ids). */
    @JsonProperty("sensitive")
    SENSITIVE("sensitive");

    private final String label;

    Classification(String label) {
      this.label = label;
    }

    /** As the spec spells it. */
    @Override
    public String toString() {
      return label;
    }
  }
}

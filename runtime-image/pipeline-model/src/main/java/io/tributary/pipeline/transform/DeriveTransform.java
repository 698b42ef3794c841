package io.tributary.pipeline.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Fields computed with CEL expressions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeriveTransform(
    @Required
        @Size(min = 1)
        @JsonPropertyDescription("Fields to compute, in order; later ones see earlier results.")
        List<Field> fields) {

  /** One computed field. */
  public record Field(
      @Required
          @Pattern("^[A-Za-z_][A-Za-z0-9_]*$")
          @JsonPropertyDescription("Name of the output field.")
          String name,
      @Required
          @Size(min = 1, max = 4096)
          @JsonPropertyDescription(
              "CEL expression over the record's fields, e.g. \"amount * 3.67\" or"
                  + " \"email.lowerAscii()\".")
          String expression) {}
}

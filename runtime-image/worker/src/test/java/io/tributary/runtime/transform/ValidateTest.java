package io.tributary.runtime.transform;

import static io.tributary.runtime.transform.Plans.chain;
import static io.tributary.runtime.transform.Plans.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.runtime.PlanException;
import org.junit.jupiter.api.Test;

class ValidateTest {
  private static final String SCHEMA =
      "{\"fields\":[{\"name\":\"id\",\"type\":\"string\",\"required\":true},"
          + "{\"name\":\"amount\",\"type\":\"number\"},{\"name\":\"n\",\"type\":\"integer\"},"
          + "{\"name\":\"at\",\"type\":\"timestamp\"}]}";
  private static final String VALIDATE = "[{\"validate\":{}}]";

  @Test
  void aValidRecordPasses() {
    assertThat(
            run(
                chain(VALIDATE, SCHEMA),
                "{\"id\":\"é1\",\"amount\":1.5,\"n\":2,\"at\":\"2024-01-01T00:00:00Z\"}"))
        .hasSize(1);
    assertThat(run(chain(VALIDATE, SCHEMA), "{\"id\":\"x\",\"at\":1714550400000}")).hasSize(1);
  }

  @Test
  void optionalFieldsMayBeNullOrMissing() {
    assertThat(run(chain(VALIDATE, SCHEMA), "{\"id\":\"x\",\"amount\":null}")).hasSize(1);
  }

  @Test
  void aMissingRequiredFieldIsRejectedNamingIt() {
    assertThatThrownBy(() -> run(chain(VALIDATE, SCHEMA), "{\"amount\":1}"))
        .isInstanceOfSatisfying(
            RejectedRecordException.class,
            e -> {
              assertThat(e.reason()).contains("id");
              assertThat(e.stepName()).isEqualTo("validate-0");
              assertThat(e.failsRun()).isFalse();
            });
    assertThatThrownBy(() -> run(chain(VALIDATE, SCHEMA), "{\"id\":null}"))
        .isInstanceOf(RejectedRecordException.class);
  }

  @Test
  void wrongTypesAndBadTimestampsAreRejected() {
    assertThatThrownBy(() -> run(chain(VALIDATE, SCHEMA), "{\"id\":\"x\",\"amount\":\"12\"}"))
        .isInstanceOfSatisfying(
            RejectedRecordException.class, e -> assertThat(e.reason()).contains("amount"));
    assertThatThrownBy(() -> run(chain(VALIDATE, SCHEMA), "{\"id\":\"x\",\"n\":1.5}"))
        .isInstanceOf(RejectedRecordException.class);
    assertThatThrownBy(() -> run(chain(VALIDATE, SCHEMA), "{\"id\":\"x\",\"at\":\"yesterday\"}"))
        .isInstanceOf(RejectedRecordException.class);
  }

  @Test
  void aJsonSchemaDocumentIsUsedWhenGiven() {
    String schema =
        "{\"jsonSchema\":\"{\\\"type\\\":\\\"object\\\",\\\"properties\\\":{\\\"email\\\":"
            + "{\\\"type\\\":\\\"string\\\",\\\"pattern\\\":\\\"@\\\"}},\\\"required\\\":[\\\"email\\\"]}\"}";
    assertThat(run(chain(VALIDATE, schema), "{\"email\":\"a@b\"}")).hasSize(1);
    assertThatThrownBy(() -> run(chain(VALIDATE, schema), "{\"email\":\"nope\"}"))
        .isInstanceOf(RejectedRecordException.class);
  }

  @Test
  void dropAndFailPoliciesAreHonoured() {
    assertThat(run(chain("[{\"validate\":{\"onInvalid\":\"drop\"}}]", SCHEMA), "{}")).isEmpty();
    assertThatThrownBy(() -> run(chain("[{\"validate\":{\"onInvalid\":\"fail\"}}]", SCHEMA), "{}"))
        .isInstanceOfSatisfying(
            RejectedRecordException.class, e -> assertThat(e.failsRun()).isTrue());
  }

  @Test
  void validateWithoutASchemaOrWithABrokenOneIsAPlanError() {
    assertThatThrownBy(() -> chain(VALIDATE, null))
        .isInstanceOf(PlanException.class)
        .hasMessage(
            "transforms[0].validate: needs spec.schema with fields or jsonSchema; add a schema or"
                + " remove the step");
    assertThatThrownBy(() -> chain(VALIDATE, "{\"jsonSchema\":\"{not json\"}"))
        .isInstanceOf(PlanException.class)
        .hasMessageStartingWith("schema.jsonSchema: is not a valid JSON Schema (draft 2020-12)");
  }
}

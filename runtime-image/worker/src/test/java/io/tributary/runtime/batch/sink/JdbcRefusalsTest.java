package io.tributary.runtime.batch.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

class JdbcRefusalsTest {

  /** An error as the server sends it: fields S, C, M, D, c, n separated by NUL. */
  static PSQLException server(
      String state, String message, String detail, String column, String constraint) {
    StringBuilder sb = new StringBuilder("SERROR\0C").append(state).append("\0M").append(message);
    if (detail != null) sb.append("\0D").append(detail);
    if (column != null) sb.append("\0c").append(column);
    if (constraint != null) sb.append("\0n").append(constraint);
    return new PSQLException(new ServerErrorMessage(sb.append('\0').toString()));
  }

  /** What pgjdbc throws from executeBatch: the statement with its values, the error chained. */
  static BatchUpdateException batch(PSQLException cause) {
    BatchUpdateException e =
        new BatchUpdateException(
            "Batch entry 0 INSERT INTO t VALUES ('secret') was aborted",
            cause.getSQLState(),
            0,
            new int[0],
            cause);
    e.setNextException(cause);
    return e;
  }

  @ParameterizedTest
  @CsvSource({
    "22001, true",
    "22003, true",
    "22P02, true",
    "23502, true",
    "23505, true",
    "23514, true",
    "08006, false",
    "40001, false",
    "53100, false",
    "57P01, false",
    "42703, false"
  })
  void onlyDataAndConstraintErrorsRefuseARow(String state, boolean refuses) {
    assertThat(JdbcRefusals.refusesRow(batch(server(state, "m", null, null, null))))
        .isEqualTo(refuses);
  }

  @Test
  void anErrorWithoutStateDoesNotRefuseARow() {
    assertThat(JdbcRefusals.refusesRow(new SQLException("connection reset"))).isFalse();
  }

  @Test
  void theReasonNamesStateColumnAndConstraintButNeverTheRow() {
    String reason =
        JdbcRefusals.reason(
            batch(
                server(
                    "23502",
                    "null value in column \"name\" of relation \"t\" violates not-null constraint",
                    "Failing row contains (6, secret, null).",
                    "name",
                    null)),
            List.of());
    assertThat(reason)
        .isEqualTo(
            "the database refused the row (SQLSTATE 23502): null value in column \"name\" of"
                + " relation \"t\" violates not-null constraint (column name)")
        .doesNotContain("secret");
  }

  @Test
  void valuesQuotedInADataExceptionAreHidden() {
    String reason =
        JdbcRefusals.reason(
            batch(
                server(
                    "22P02", "invalid input syntax for type uuid: \"secret\"", null, null, null)),
            List.of());
    assertThat(reason)
        .isEqualTo(
            "the database refused the row (SQLSTATE 22P02): invalid input syntax for type uuid:"
                + " \"…\"");
  }

  @Test
  void suspectsNameTheColumnWhenTheServerDoesNot() {
    PSQLException tooLong =
        server("22001", "value too long for type character varying(5)", null, null, null);
    assertThat(JdbcRefusals.reason(batch(tooLong), List.of("code")))
        .endsWith("varying(5) (column code)");
    assertThat(JdbcRefusals.reason(batch(tooLong), List.of("code", "city")))
        .endsWith("varying(5) (columns code, city)");
  }

  @Test
  void aDriverErrorKeepsOnlyItsFirstLine() {
    SQLException driver =
        new SQLException(
            "Zero bytes may not occur in string parameters.\nINSERT 'secret'", "22023");
    assertThat(JdbcRefusals.reason(driver, List.of()))
        .isEqualTo(
            "the database refused the row (SQLSTATE 22023): Zero bytes may not occur in string"
                + " parameters.");
  }
}

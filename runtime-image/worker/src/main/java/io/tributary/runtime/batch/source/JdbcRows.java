package io.tributary.runtime.batch.source;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.runtime.batch.Failures;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/**
 * Turns the rows of a result into records. A row with a value that cannot become a field (the
 * driver cannot convert it, NaN or Infinity, an infinite timestamp, text that is not UTF-8) is not
 * a record: it becomes an {@link Undecodable} naming its position and the column, with the columns
 * that did decode as its raw text (the key a user finds the row by is among them), and the read
 * goes on. A failure of the connection is not the row's: it fails the read as before.
 */
final class JdbcRows {

  /** A row that is not a record: why (position and column, no values) and what did decode. */
  record Undecodable(String reason, String raw) {}

  private final JdbcValues.ColumnReader[] readers;
  private final String[] columns;

  /**
   * @param rawText see {@link JdbcValues#readers}
   */
  JdbcRows(ResultSetMetaData md, boolean rawText) throws SQLException {
    this.readers = JdbcValues.readers(md, rawText);
    this.columns = new String[readers.length];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = md.getColumnLabel(i + 1) + " (" + md.getColumnTypeName(i + 1) + ")";
    }
  }

  /**
   * The current row as a record, or an {@link Undecodable} whose reason starts with {@code
   * position}.
   *
   * @throws SQLException a failure of the connection (SQLSTATE class 08 and the other retryable
   *     ones), which no later row would escape either
   */
  Object read(ResultSet rs, String position) throws SQLException {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    String refused = null;
    for (int i = 0; i < readers.length; i++) {
      String why;
      try {
        readers[i].read(rs, o);
        continue;
      } catch (JdbcValues.Refused e) {
        why = e.getMessage();
      } catch (SQLException e) {
        if (Failures.exitCode(e) == ExitCodes.RETRYABLE) {
          throw e;
        }
        // The driver's message quotes the value ("Bad value for type double : 1,234.50"): the
        // reason names the column and the SQLSTATE only.
        why =
            "the driver cannot convert the value"
                + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")")
                + "; cast the column to a type it reads (numeric, text) in source.jdbc.query";
      } catch (RuntimeException e) {
        why = "the value cannot be read (" + e.getClass().getSimpleName() + ")";
      }
      // Keep reading the other columns: they make the dead letter's raw text.
      if (refused == null) {
        refused = position + ": column " + columns[i] + ": " + why;
      }
    }
    return refused == null ? o : new Undecodable(refused, o.toString());
  }
}

package io.tributary.runtime.batch.sink;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Reads a failed JDBC write: whether the database refused a row for its content, and why, in words
 * that name columns and constraints but never values. Pure.
 */
final class JdbcRefusals {
  private JdbcRefusals() {}

  /**
   * Whether the database refused the content of a row rather than the write as such: SQLSTATE class
   * 22 (data exception: too long, out of range, invalid input for the type) or 23 (integrity
   * constraint: NOT NULL, CHECK, unique, foreign key). Such a row fails the same way on every
   * attempt, so it is a dead letter; every other class (connection 08, rollback 40, resources 53,
   * shutdown 57, syntax or privileges 42) keeps failing the write, and the run, as before.
   */
  static boolean refusesRow(SQLException e) {
    String state = state(e);
    return state != null && (state.startsWith("22") || state.startsWith("23"));
  }

  /** The SQLSTATE of the error behind {@code e} (a batch's first failing entry). */
  static String state(SQLException e) {
    SQLException cause = cause(e);
    return cause.getSQLState() != null ? cause.getSQLState() : e.getSQLState();
  }

  /**
   * Why the row was refused: the server's primary message (class 22 messages quote the value they
   * refused, e.g. {@code invalid input syntax for type uuid: "…"}: quoted text is hidden), its
   * SQLSTATE, and the column and constraint when the server names them — never the server's detail,
   * which quotes the whole row ({@code Failing row contains (…)}). {@code suspects} are the columns
   * whose value alone explains the refusal, when the server names none.
   */
  static String reason(SQLException e, List<String> suspects) {
    SQLException cause = cause(e);
    ServerErrorMessage server = cause instanceof PSQLException p ? p.getServerErrorMessage() : null;
    String state = state(e);
    String message = server != null && server.getMessage() != null ? server.getMessage() : "";
    if (server == null) {
      // Refused by the driver before it reached the server; its messages quote no values, but
      // a batch's message quotes the statement with its parameters: keep only the first line.
      message = firstLine(cause.getMessage());
    }
    if (state != null && state.startsWith("22")) {
      message = QUOTED.matcher(message).replaceAll("\"…\"");
    }
    List<String> parts = new ArrayList<>();
    String column = server == null ? null : server.getColumn();
    if (column != null) {
      parts.add("column " + column);
    } else if (suspects.size() == 1) {
      parts.add("column " + suspects.get(0));
    } else if (!suspects.isEmpty()) {
      parts.add("columns " + String.join(", ", suspects));
    }
    if (server != null && server.getConstraint() != null) {
      parts.add("constraint " + server.getConstraint());
    }
    return "the database refused the row (SQLSTATE "
        + state
        + "): "
        + message
        + (parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")");
  }

  /**
   * The error a batch failed with: pgjdbc chains the server's error to its BatchUpdateException.
   */
  private static SQLException cause(SQLException e) {
    for (SQLException s = e; s != null; s = s.getNextException()) {
      if (s instanceof PSQLException p && p.getServerErrorMessage() != null) {
        return p;
      }
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof PSQLException p && p.getServerErrorMessage() != null) {
        return p;
      }
    }
    SQLException next = e.getNextException();
    return next != null ? next : e;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"");
}

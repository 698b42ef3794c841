package io.tributary.runtime.batch;

import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.runtime.PlanException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.sql.SQLException;
import org.apache.kafka.common.errors.RetriableException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/** Decides whether a failed run is worth retrying. Pure. */
public final class Failures {
  private Failures() {}

  /** The exit code for a run that ended with {@code e}. */
  public static int exitCode(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RunFailure f) return f.exitCode();
      if (t instanceof PlanException) return ExitCodes.INVALID_PLAN;
      if (t instanceof SQLException s && s.getSQLState() != null) return sqlState(s.getSQLState());
      if (t instanceof RetriableException || t instanceof JedisConnectionException) {
        return ExitCodes.RETRYABLE;
      }
      if (t instanceof SdkServiceException s) return httpStatus(s.statusCode());
      // No response at all (connection refused, timed out): the store may be back on the retry.
      if (t instanceof SdkClientException) return ExitCodes.RETRYABLE;
      // Bytes that do not decode are in the data: reading them again fails the same way.
      if (t instanceof CharacterCodingException) return ExitCodes.PERMANENT;
      if (t instanceof IOException) return ExitCodes.RETRYABLE;
      if (t instanceof IllegalArgumentException) return ExitCodes.PERMANENT;
    }
    // An unexpected error (a bug, bad data we did not foresee) fails the same way again.
    return ExitCodes.PERMANENT;
  }

  /**
   * An object store's answer: 5xx (internal error, slow down, unavailable), 429 and 408 pass; the
   * rest of 4xx (access denied, no such bucket, bad request) answer the same on a retry.
   */
  static int httpStatus(int status) {
    return status >= 500 || status == 429 || status == 408
        ? ExitCodes.RETRYABLE
        : ExitCodes.PERMANENT;
  }

  /**
   * SQLSTATE classes: 08 connection, 40 transaction rollback (serialization, deadlock), 53
   * insufficient resources, 57 operator intervention (shutdown, cancel), 58 system error are
   * transient; the rest (syntax 42, data 22, constraints 23, auth 28) are permanent.
   */
  static int sqlState(String state) {
    return switch (state.length() >= 2 ? state.substring(0, 2) : state) {
      case "08", "40", "53", "57", "58", "HY" -> ExitCodes.RETRYABLE;
      default -> ExitCodes.PERMANENT;
    };
  }
}

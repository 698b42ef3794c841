package io.tributary.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.RunSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run summary where Kubernetes picks up a container's termination message: a batch run's
 * outcome, a stream worker's reason for stopping, an invalid plan. The operator reads it into
 * status. Kubernetes keeps at most 4096 bytes, so a summary that does not fit loses its per-step
 * counts first, then the tail of its message.
 */
public final class TerminationMessage {
  public static final Path DEFAULT_PATH = Path.of("/dev/termination-log");

  /**
   * Where the summary goes instead of {@value #DEFAULT_PATH}, for a worker run outside Kubernetes.
   * It is where the worker reports, not an input: the plan is the only input.
   */
  public static final String ENV_PATH = "TRIBUTARY_TERMINATION_LOG";

  public static final int MAX_BYTES = 4096;
  private static final Logger LOG = LoggerFactory.getLogger(TerminationMessage.class);

  private TerminationMessage() {}

  /** The termination-log path of this process. */
  public static Path path() {
    String p = System.getenv(ENV_PATH);
    return p == null || p.isBlank() ? DEFAULT_PATH : Path.of(p);
  }

  /** A failure with no counts: an invalid plan, a stream worker that stopped. */
  public static RunSummary failure(String runId, boolean retryable, String message) {
    return new RunSummary(
        runId,
        RunSummary.FAILED,
        retryable ? RunSummary.RETRYABLE : RunSummary.PERMANENT,
        message,
        0,
        0,
        0,
        0,
        null,
        null);
  }

  /** The summary as compact JSON of at most {@value #MAX_BYTES} bytes. */
  public static String render(RunSummary s) {
    String json = compact(s);
    if (fits(json)) return json;
    RunSummary noSteps = withSteps(s, s.message(), List.of());
    json = compact(noSteps);
    if (fits(json)) return json;
    String m = s.message() == null ? "" : s.message();
    int over = json.getBytes(StandardCharsets.UTF_8).length - MAX_BYTES + 16;
    String cut = m.substring(0, Math.max(0, m.length() - over)) + "...";
    return compact(withSteps(s, cut, List.of()));
  }

  private static RunSummary withSteps(
      RunSummary s, String message, List<RunSummary.StepCount> steps) {
    return new RunSummary(
        s.runId(),
        s.outcome(),
        s.failure(),
        message,
        s.recordsRead(),
        s.recordsWritten(),
        s.recordsRejected(),
        s.recordsDropped(),
        s.durationMillis(),
        s.watermark(),
        steps,
        s.halt());
  }

  private static String compact(RunSummary s) {
    try {
      return PlanJson.mapper()
          .writer()
          .without(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize the run summary", e);
    }
  }

  private static boolean fits(String json) {
    return json.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
  }

  /** Writes the summary; a missing termination-log path (outside Kubernetes) is only logged. */
  public static void write(RunSummary s, Path path) {
    String json = render(s);
    try {
      Files.writeString(path, json);
    } catch (IOException e) {
      LOG.warn("cannot write the run summary to {}: {}", path, e.toString());
    }
  }
}

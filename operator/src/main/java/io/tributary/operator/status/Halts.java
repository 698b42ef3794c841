package io.tributary.operator.status;

import io.tributary.operator.api.Groups;
import io.tributary.operator.api.StreamJobHalt;
import io.tributary.operator.api.StreamJobStatus;
import io.tributary.pipeline.plan.RecordPosition;
import io.tributary.pipeline.plan.RunSummary;
import java.util.Optional;

/**
 * Whether a StreamJob's workers stay halted on a refused record. Pure: the last status, what the
 * workers of the current plan say, the skip annotation and the generation in; the halt to keep, or
 * none, out.
 *
 * <p>A halt holds until the spec changes (a later generation retries the record under the new
 * rules) or the {@value Groups#SKIP_RECORD_ANNOTATION} annotation names exactly the halted record.
 * Scaling the workers to zero while halted is what keeps a halted worker from restarting forever.
 */
public final class Halts {
  private Halts() {}

  /**
   * @param previous the job's status, or null
   * @param fromWorkers a halt reported by a worker running the current plan
   * @param skipAnnotation the job's skip-record annotation, or null
   */
  public static Optional<StreamJobHalt> next(
      StreamJobStatus previous,
      Optional<RunSummary.Halt> fromWorkers,
      String skipAnnotation,
      long generation) {
    if (fromWorkers.isPresent()) {
      RunSummary.Halt h = fromWorkers.get();
      return Optional.of(
          new StreamJobHalt(h.position().toString(), h.step(), h.reason(), generation));
    }
    StreamJobHalt last = previous == null ? null : previous.halted();
    if (last == null || last.generation() == null || last.generation() != generation) {
      return Optional.empty(); // never halted, or the spec changed since: retry
    }
    Optional<RecordPosition> skip = RecordPosition.parse(skipAnnotation);
    if (skip.isPresent() && skip.get().toString().equals(last.position())) {
      return Optional.empty(); // the user sent the record to the dead letters
    }
    return Optional.of(last);
  }

  /** The Ready message of a halted job: where, why, and the two ways on. */
  public static String message(String jobName, StreamJobHalt h) {
    return "halted at "
        + h.position()
        + ": "
        + h.step()
        + " refused the record: "
        + h.reason()
        + " (validate onInvalid: fail). Every record before it is committed. To resume, fix the"
        + " spec (any spec change retries the record) or send this record to the dead letters:"
        + " kubectl annotate streamjob "
        + jobName
        + " "
        + Groups.SKIP_RECORD_ANNOTATION
        + "="
        + h.position()
        + " --overwrite";
  }
}

package io.tributary.events;

/** The CloudEvents {@code type} of every event Tributary sends (docs/events.md). */
public enum EventType {
  /** A DataPipeline run's attempt started reading (sent by the run's worker). */
  RUN_STARTED("io.tributary.datapipeline.run.started"),
  /** A DataPipeline run committed its output: the dataset holds fresh data. */
  RUN_SUCCEEDED("io.tributary.datapipeline.run.succeeded"),
  /** A DataPipeline run's attempt failed; nothing of it was committed. */
  RUN_FAILED("io.tributary.datapipeline.run.failed"),
  /** Every StreamJob worker runs the current spec (sent by the operator). */
  STREAM_ROLLED_OUT("io.tributary.streamjob.rolledout"),
  /** The number of StreamJob workers wanted changed (sent by the operator). */
  STREAM_SCALED("io.tributary.streamjob.scaled"),
  /** A StreamJob stopped on a record it must not pass (sent by the operator). */
  STREAM_HALTED("io.tributary.streamjob.halted");

  private final String type;

  EventType(String type) {
    this.type = type;
  }

  /** The {@code type} attribute, e.g. {@code io.tributary.datapipeline.run.succeeded}. */
  public String type() {
    return type;
  }

  /** The last word of the type, e.g. {@code succeeded}: for ids, logs and metric labels. */
  public String shortName() {
    return type.substring(type.lastIndexOf('.') + 1);
  }
}

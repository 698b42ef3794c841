package io.tributary.operator.autoscale;

/** Why the lag autoscaler chose its size; shown in status and in Scaled Events. */
public enum ScaleReason {
  /** The lag and throughput fit the workers there are. */
  Steady,
  /** More workers were asked for, at once. */
  ScaleUp,
  /** Workers were added to a job that had none: its lag crossed the activation threshold. */
  Wake,
  /** Fewer workers: the recommendation stayed lower for the whole stabilization window. */
  ScaleDown,
  /** No workers: the job was idle (no lag, nothing consumed) for the whole window. */
  ScaleToZero,
  /** At zero workers with lag at or below the activation threshold. */
  Idle,
  /** Fewer workers would do, but not yet for the whole stabilization window. */
  Stabilizing,
  /** Fewer workers would do, but the last scale-down step was less than a window ago. */
  StepPause,
  /** More workers would help, but the ones asked for last are not ready yet. */
  WaitingForReady,
  /** The consumer lag could not be read: the size is held. */
  NoReading,
  /** The workers were outside [minReplicas, maxReplicas] after a spec edit. */
  Bounds
}

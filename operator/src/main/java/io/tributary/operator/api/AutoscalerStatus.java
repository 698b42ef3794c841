package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * What the lag autoscaler decided last, from what, and what it remembers. It lives in status so
 * that a restarted or newly elected operator continues where the last one stopped; every list is
 * bounded.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AutoscalerStatus(
    @JsonPropertyDescription(
            "Why the workers are as many as they are: Steady, ScaleUp, Wake, ScaleDown,"
                + " ScaleToZero, Idle (at zero, lag not above activationLagThreshold),"
                + " Stabilizing (fewer would do, not yet for scaleDownStabilization), StepPause"
                + " (one scale-down step per window), WaitingForReady (workers asked for are not"
                + " ready yet), NoReading (lag unknown: size held) or Bounds (outside"
                + " min/maxReplicas after an edit).")
        String reason,
    @JsonPropertyDescription("The autoscaler's reasoning, with the numbers it used.")
        String message,
    @JsonPropertyDescription(
            "Records per second the workers consumed (committed offsets' growth) over the last"
                + " two minutes.")
        Double consumedPerSecond,
    @JsonPropertyDescription(
            "Records per second arriving on the input topics (end offsets' growth) over the last"
                + " two minutes.")
        Double arrivingPerSecond,
    @JsonPropertyDescription(
            "Records per second one ready worker can consume: what the autoscaler divides the"
                + " needed rate by when workerCapacityMeasured is true. Absent until a worker was"
                + " seen consuming.")
        Double workerCapacity,
    @JsonPropertyDescription("When workerCapacity was last measured or raised (RFC 3339).")
        String workerCapacityMeasuredAt,
    @JsonPropertyDescription(
            "True when workerCapacity was measured while records were waiting for the workers"
                + " (lag beyond the records in flight): what one can do. False or absent"
                + " (statuses written before this field existed), it is the most one was seen to"
                + " consume, which it can do at least: targetLagPerReplica sizes the workers then,"
                + " but never above what the records arriving and the backlog need at that rate,"
                + " and they are not scaled down below what the records arriving need at it.")
        Boolean workerCapacityMeasured,
    @JsonPropertyDescription(
            "When workers were last added (RFC 3339); more are added only once these are ready,"
                + " or after readyTimeout.")
        String lastScaleUp,
    @JsonPropertyDescription(
            "When workers were last removed (RFC 3339); the next scale-down step waits"
                + " scaleDownStabilization.")
        String lastScaleDown,
    @JsonPropertyDescription(
            "Recent recommendations (at most 10, an entry only when it changes), covering the"
                + " scale-down stabilization window.")
        List<ReplicaRecommendation> recommendations,
    @JsonPropertyDescription(
            "Recent offset readings (at most 6, over about two minutes) from which throughput is"
                + " measured.")
        List<OffsetSample> samples) {}

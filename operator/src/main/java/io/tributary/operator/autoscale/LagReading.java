package io.tributary.operator.autoscale;

import java.time.Instant;

/**
 * One reading of a consumer group's position on its input topics.
 *
 * @param at when the offsets were read (not when a reconcile looked at them: readings are shared
 *     and cached between polls, and rates are computed between the times offsets were really read)
 * @param lag records behind, summed over partitions: end offsets (read_committed) minus committed
 *     offsets; a partition without a committed offset counts from its log start
 * @param committed committed offsets summed over partitions (a partition without one counts at its
 *     log start); its growth between readings is the records the workers consumed
 * @param partitions partitions of the input topics
 */
public record LagReading(Instant at, long lag, long committed, int partitions) {}

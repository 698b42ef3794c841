package io.tributary.operator.policy;

import io.tributary.operator.api.ResidencySpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Data residency: data of a pipeline with a region never leaves it. Every declared region (source,
 * sink, pool) must equal the pipeline's; a pipeline without a region is unconstrained. Pure, so the
 * same rules can back an admission policy.
 */
public final class ResidencyPolicy {
  private ResidencyPolicy() {}

  /** The pipeline's region: its spec, else the namespace label, else none. */
  public static Optional<String> effectiveRegion(ResidencySpec spec, String namespaceLabel) {
    if (spec != null && spec.region() != null) return Optional.of(spec.region());
    if (namespaceLabel != null && !namespaceLabel.isBlank()) return Optional.of(namespaceLabel);
    return Optional.empty();
  }

  /**
   * Every way the pipeline would move data out of {@code region}; empty when it complies.
   *
   * @param poolName the compute pool, or null
   * @param poolRegion the pool's region, or null without a pool
   */
  public static List<String> violations(
      Optional<String> region,
      SourceSpec source,
      SinkSpec sink,
      String poolName,
      String poolRegion) {
    List<String> out = new ArrayList<>();
    if (region.isEmpty()) return out;
    String r = region.get();
    if (source != null && source.region() != null && !source.region().equals(r)) {
      out.add(
          "spec.source.region is "
              + source.region()
              + " but the data must stay in "
              + r
              + ": read from a source in "
              + r);
    }
    if (sink != null && sink.region() != null && !sink.region().equals(r)) {
      out.add(
          "spec.sink.region is "
              + sink.region()
              + " but the data must stay in "
              + r
              + ": write to a sink in "
              + r);
    }
    if (poolName != null && poolRegion != null && !poolRegion.equals(r)) {
      out.add(
          "spec.compute.pool "
              + poolName
              + " is in "
              + poolRegion
              + " but the data must stay in "
              + r
              + ": choose a pool in "
              + r);
    }
    return out;
  }
}

package io.tributary.operator.policy;

import io.tributary.operator.api.ResidencySpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Data residency: data of a pipeline with a region never leaves it. The namespace's label {@code
 * tributary.io/residency} is authoritative: a pipeline in a labelled namespace may not name another
 * region, and every declared region (spec.residency, source, sink, pool) must equal it. A pipeline
 * without either is unconstrained. Pure, so the chart's ValidatingAdmissionPolicy states the same
 * rules.
 */
public final class ResidencyPolicy {
  private ResidencyPolicy() {}

  /**
   * Where a pipeline's data must stay, and who said so.
   *
   * @param namespace the namespace's {@code tributary.io/residency} label, or null; authoritative
   * @param declared the pipeline's {@code spec.residency.region}, or null
   */
  public record Residency(String namespace, String declared) {
    public Residency {
      namespace = namespace == null || namespace.isBlank() ? null : namespace;
      declared = declared == null || declared.isBlank() ? null : declared;
    }

    /** A pipeline's residency in a namespace labelled {@code namespaceLabel} (or null). */
    public static Residency of(ResidencySpec spec, String namespaceLabel) {
      return new Residency(namespaceLabel, spec == null ? null : spec.region());
    }

    /** No constraint: neither the namespace nor the pipeline names a region. */
    public static Residency none() {
      return new Residency(null, null);
    }

    /** The region the data must stay in: the namespace label's, else the pipeline's, else none. */
    public Optional<String> region() {
      return Optional.ofNullable(namespace != null ? namespace : declared);
    }
  }

  /**
   * Whether work of a pipeline in {@code region} may run on a pool in {@code poolRegion}: the pool
   * autoscaler asks the same question before growing a pool for a worker, so it never grows a pool
   * of another region.
   */
  public static boolean poolAllowed(Optional<String> region, String poolRegion) {
    return region.isEmpty() || poolRegion == null || poolRegion.equals(region.get());
  }

  /**
   * Every way the pipeline would move data out of its region, or name another region than its
   * namespace's; empty when it complies.
   *
   * @param poolName the compute pool, or null
   * @param poolRegion the pool's region, or null without a pool
   */
  public static List<String> violations(
      Residency residency, SourceSpec source, SinkSpec sink, String poolName, String poolRegion) {
    List<String> out = new ArrayList<>();
    Optional<String> region = residency.region();
    if (region.isEmpty()) return out;
    String r = region.get();
    if (residency.declared() != null && !residency.declared().equals(r)) {
      out.add(
          "spec.residency.region is "
              + residency.declared()
              + " but the namespace's label tributary.io/residency is "
              + r
              + ", and the label wins: set spec.residency.region to "
              + r
              + " or remove it");
    }
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
    if (poolName != null && !poolAllowed(region, poolRegion)) {
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

package io.tributary.operator.autoscale;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU, memory and extended resources (accelerators such as nvidia.com/gpu) as plain numbers: what a
 * worker asks for, what one node of a pool offers, or what the workers on a node use. The adapter
 * converts Kubernetes quantities once, so the decisions do arithmetic, not parsing.
 *
 * @param extended extended resources by name, e.g. {nvidia.com/gpu: 1}; never null
 */
public record Requests(long cpuMillis, long memoryBytes, Map<String, Long> extended) {
  public static final Requests NONE = new Requests(0, 0, Map.of());

  public Requests {
    // Sorted, so messages and equality never depend on the order a pod listed its resources in.
    extended = extended == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(extended));
  }

  /** CPU and memory only. */
  public static Requests of(long cpuMillis, long memoryBytes) {
    return new Requests(cpuMillis, memoryBytes, Map.of());
  }

  /** The same, plus {@code count} of the extended resource {@code name}. */
  public Requests with(String name, long count) {
    Map<String, Long> more = new TreeMap<>(extended);
    more.merge(name, count, Long::sum);
    return new Requests(cpuMillis, memoryBytes, more);
  }

  public Requests plus(Requests o) {
    Map<String, Long> sum = new TreeMap<>(extended);
    o.extended.forEach((k, v) -> sum.merge(k, v, Long::sum));
    return new Requests(cpuMillis + o.cpuMillis, memoryBytes + o.memoryBytes, sum);
  }

  /** How many of the extended resource {@code type} (0 for none, or a null type). */
  public long extended(String type) {
    return type == null ? 0 : extended.getOrDefault(type, 0L);
  }

  /** For messages, e.g. "12 CPU, 48Gi memory, 3 nvidia.com/gpu". */
  public String describe() {
    StringBuilder sb =
        new StringBuilder(cpuText(cpuMillis) + " CPU, " + memoryText(memoryBytes) + " memory");
    extended.forEach((k, v) -> sb.append(", ").append(v).append(' ').append(k));
    return sb.toString();
  }

  /** Cores as people write them: 12, 1.5 or 0.25. */
  public static String cpuText(long millis) {
    return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
  }

  /** Bytes as Gi (or Mi below 1 Gi), the way people read node sizes; rounded down. */
  public static String memoryText(long bytes) {
    if (bytes >= 1L << 30) return (bytes >> 30) + "Gi";
    return (bytes >> 20) + "Mi";
  }
}

package io.tributary.operator.policy;

import io.tributary.operator.api.DataEndpointSpec;
import io.tributary.operator.policy.EndpointAddresses.Address;
import io.tributary.operator.status.Conditions.Reason;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The endpoint catalog (DataEndpoints) as the checks see it, and what it says about a pipeline's
 * addresses ({@link #resolve}). With the catalog enforced, every address must be covered by an
 * entry; the entry's region, not the pipeline's claim, decides residency; an entry requiring TLS
 * refuses plaintext; and the workers' egress is opened to exactly the entries they use. Off, the
 * catalog is not consulted and egress stays open. Pure.
 *
 * @param entries the DataEndpoints, in any order
 */
public record EndpointCatalog(boolean enforced, List<Entry> entries) {

  /** One DataEndpoint. */
  public record Entry(String name, DataEndpointSpec spec) {}

  /** The catalog is not consulted: nothing is refused for it, and egress is not restricted. */
  public static EndpointCatalog off() {
    return new EndpointCatalog(false, List.of());
  }

  /** The catalog, enforced. */
  public static EndpointCatalog enforced(List<Entry> entries) {
    return new EndpointCatalog(true, List.copyOf(entries));
  }

  /**
   * What the catalog says about a pipeline.
   *
   * @param problem the first refusal, if any
   * @param workerEntries the entries the workers connect to, by name (their egress); empty with the
   *     catalog off: see {@link #restrictsEgress}
   */
  public record Resolution(
      boolean restrictsEgress,
      Optional<PipelineChecks.Problem> problem,
      List<Entry> workerEntries) {
    static Resolution unrestricted() {
      return new Resolution(false, Optional.empty(), List.of());
    }
  }

  /**
   * Resolves {@code found} against the catalog. Refusals, most serious first: an entry outside the
   * pipeline's region ({@code ResidencyViolation}); an address no entry covers ({@code
   * EndpointNotInCatalog}); plaintext to an entry requiring TLS ({@code EndpointRequiresTls}); a
   * source.region or sink.region that the catalog contradicts ({@code InvalidSpec}); an address
   * that cannot be read ({@code InvalidSpec}).
   */
  public Resolution resolve(
      EndpointAddresses.Extraction found,
      ResidencyPolicy.Residency residency,
      SourceSpec source,
      SinkSpec sink) {
    if (!enforced) return Resolution.unrestricted();
    List<String> outside = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> plaintext = new ArrayList<>();
    List<String> contradicted = new ArrayList<>();
    Map<String, Entry> used = new LinkedHashMap<>();
    // One message per address: the dead-letter topic on the sink's cluster is the same refusal.
    java.util.Set<String> told = new java.util.HashSet<>();
    Optional<String> region = residency.region();
    for (Address a : found.addresses()) {
      List<Entry> covering = covering(a);
      boolean first = told.add(a.hostPort() + (a.tls() ? "/tls" : ""));
      if (covering.isEmpty()) {
        if (!first) continue;
        missing.add(
            a.field()
                + ": "
                + a.hostPort()
                + " is in no DataEndpoint of the endpoint catalog: ask the platform team for a"
                + " DataEndpoint covering "
                + a.hostPort()
                + " (kubectl get dataendpoints lists the catalog)");
        continue;
      }
      for (Entry e : covering) {
        String where = e.spec().region();
        if (first && region.isPresent() && !region.get().equals(where)) {
          outside.add(
              a.field()
                  + ": "
                  + a.hostPort()
                  + " is DataEndpoint "
                  + e.name()
                  + " in "
                  + where
                  + " but the data must stay in "
                  + region.get()
                  + ": use an endpoint in "
                  + region.get());
        }
        if (first && e.spec().tls() != null && e.spec().tls().isRequired() && !a.tls()) {
          plaintext.add(
              a.field()
                  + ": DataEndpoint "
                  + e.name()
                  + " requires TLS but "
                  + a.hostPort()
                  + " is reached without it: "
                  + tlsFix(a.field()));
        }
        String declared = declaredRegion(a.field(), source, sink);
        if (declared != null && !declared.equals(where)) {
          String which = a.field().startsWith("spec.source.") ? "source" : "sink";
          contradicted.add(
              "spec."
                  + which
                  + ".region is "
                  + declared
                  + " but the endpoint catalog puts "
                  + a.hostPort()
                  + " (DataEndpoint "
                  + e.name()
                  + ") in "
                  + where
                  + ": the catalog decides; remove spec."
                  + which
                  + ".region or set it to "
                  + where);
        }
        if (a.worker()) used.putIfAbsent(e.name(), e);
      }
    }
    Optional<PipelineChecks.Problem> problem =
        first(Reason.ResidencyViolation, outside)
            .or(() -> first(Reason.EndpointNotInCatalog, missing))
            .or(() -> first(Reason.EndpointRequiresTls, plaintext))
            .or(() -> first(Reason.InvalidSpec, contradicted))
            .or(() -> first(Reason.InvalidSpec, found.problems()));
    List<Entry> workers = new ArrayList<>(used.values());
    workers.sort(Comparator.comparing(Entry::name));
    return new Resolution(true, problem, List.copyOf(workers));
  }

  /**
   * The entries that cover {@code a}, the most specific only: an exact host beats a wildcard, a
   * longer wildcard domain a shorter one. Equally specific entries all apply (and must all be in
   * the region).
   */
  List<Entry> covering(Address a) {
    int best = -1;
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      if (e.spec().ports() == null || !e.spec().ports().contains(a.port())) continue;
      int score = -1;
      for (String pattern : e.spec().hosts()) score = Math.max(score, match(pattern, a.host()));
      if (score < 0 || score < best) continue;
      if (score > best) out.clear();
      best = score;
      out.add(e);
    }
    out.sort(Comparator.comparing(Entry::name));
    return out;
  }

  /** How specific {@code pattern} is for {@code host}: -1 no match; exact beats any wildcard. */
  static int match(String pattern, String host) {
    String p = EndpointAddresses.normalize(pattern);
    if (p.startsWith("*.")) {
      String domain = p.substring(1); // ".example.com"
      return host.endsWith(domain) && host.length() > domain.length() ? domain.length() : -1;
    }
    return p.equals(host) ? Integer.MAX_VALUE : -1;
  }

  /** The region the author declared for the source or sink an address belongs to, or null. */
  private static String declaredRegion(String field, SourceSpec source, SinkSpec sink) {
    if (field.startsWith("spec.source.")) return source == null ? null : source.region();
    if (field.startsWith("spec.sink.")) return sink == null ? null : sink.region();
    return null;
  }

  private static String tlsFix(String field) {
    String f = field.toLowerCase(Locale.ROOT);
    if (f.contains("bootstrapservers") || f.contains("deadletter")) {
      return "set security.protocol SSL or SASL_SSL on the cluster's source or sink";
    }
    if (f.endsWith(".url") && f.contains("jdbc")) return "add sslmode=verify-full to the URL";
    if (f.contains("mqtt")) {
      return "write serverUri as ssl://host:port (with source.mqtt.tls for the broker's CA)";
    }
    if (f.contains("redisaddress")) {
      return "the feature store cannot use TLS yet; ask the platform team for an endpoint without"
          + " required TLS";
    }
    return "use an https:// URL";
  }

  private static Optional<PipelineChecks.Problem> first(Reason reason, List<String> messages) {
    return messages.isEmpty()
        ? Optional.empty()
        : Optional.of(
            new PipelineChecks.Problem(
                reason, String.join("; ", messages.stream().distinct().toList())));
  }
}

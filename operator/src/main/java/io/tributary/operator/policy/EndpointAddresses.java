package io.tributary.operator.policy;

import io.tributary.pipeline.EventsSpec;
import io.tributary.pipeline.ObjectStore;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.pipeline.transform.InferTransform;
import io.tributary.plan.KafkaEndpoint;
import io.tributary.plan.PlanCompiler;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Every network address a pipeline's compiled plan names, with the field that names it and whether
 * the connection uses TLS: what the endpoint catalog must cover ({@link EndpointCatalog}). Read
 * from the plan, not the spec, so the compiler's defaults count (dead letters and consent topics on
 * the source's or sink's cluster) and the TLS answer is the one the clients use ({@link
 * KafkaEndpoint}). Pure.
 *
 * <p>Files sources and lake sinks on mounted volumes name no address; on S3 they name the store's
 * endpoint. An MQTT source names its broker and the Kafka cluster it bridges into; a remote infer
 * step names its model server, an in-process model its S3 store (a mounted one names none). When a
 * new source, sink or transform that connects somewhere is added, it must be added here too, or its
 * address is neither checked nor opened in the workers' egress (so the worker cannot reach it).
 */
public final class EndpointAddresses {
  static final int POSTGRES_PORT = 5432;

  private EndpointAddresses() {}

  /**
   * One address.
   *
   * @param field where it is named, e.g. {@code spec.source.kafka.bootstrapServers}
   * @param host as written, lower case, without brackets or a trailing dot
   * @param tls whether the client uses TLS on it
   * @param worker whether the pipeline's workers connect to it (false: the operator does, e.g. a
   *     StreamJob's CloudEvents)
   */
  public record Address(String field, String host, int port, boolean tls, boolean worker) {
    /** {@code host:port}, IPv6 hosts in brackets. */
    public String hostPort() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /**
   * The addresses of a plan, and the fields whose address cannot be told.
   *
   * @param problems {@code field: what is wrong and the fix}, one per unreadable address
   */
  public record Extraction(List<Address> addresses, List<String> problems) {}

  /** The addresses of a compiled pipeline; none when it did not compile (its problems say why). */
  public static Extraction of(PlanCompiler.Result result) {
    Collector c = new Collector();
    WorkerPlan plan = result.plan();
    if (plan == null) return c.done();
    SourceSpec source = plan.source();
    SinkSpec sink = plan.sink();
    if (source != null) source(c, source);
    List<TransformSpec> steps = plan.transforms() == null ? List.of() : plan.transforms();
    for (int i = 0; i < steps.size(); i++) {
      TransformSpec step = steps.get(i);
      var consent = step.consent();
      if (consent != null) {
        KafkaEndpoint cluster = KafkaEndpoint.consent(consent, source, NO_SECRETS);
        if (cluster != null) {
          c.kafka("spec.transforms[" + i + "].consent.bootstrapServers", cluster, true);
        }
      }
      InferTransform infer = step.infer();
      if (infer != null && infer.remote() != null) {
        c.url("spec.transforms[" + i + "].infer.remote.url", infer.remote().url(), true);
      }
      if (infer != null && infer.model() != null) {
        c.objectStore("spec.transforms[" + i + "].infer.model.s3", infer.model().s3());
      }
    }
    if (sink != null) sink(c, sink);
    WorkerPlan.DeadLetters dead = plan.deadLetter();
    if (dead != null && dead.bootstrapServers() != null && source != null) {
      c.kafka(
          "spec.deadLetter.topic", KafkaEndpoint.deadLetters(dead, source, sink, NO_SECRETS), true);
    }
    if (plan.events() != null) {
      events(c, plan.events(), true); // a DataPipeline run's worker sends them
    } else if (result.events() != null) {
      events(c, result.events(), false); // a StreamJob's are the operator's to send
    }
    lineage(c, plan.lineage(), source, sink);
    return c.done();
  }

  private static void source(Collector c, SourceSpec source) {
    if (source.mqtt() != null) c.mqtt("spec.source.mqtt.serverUri", source.mqtt().serverUri());
    if (source.kafka() != null) {
      KafkaSource k = source.kafka();
      c.kafka("spec.source.kafka.bootstrapServers", KafkaEndpoint.of(k, NO_SECRETS), true);
    }
    if (source.jdbc() != null) c.jdbc("spec.source.jdbc.url", source.jdbc().url());
    if (source.http() != null) c.url("spec.source.http.url", source.http().url(), true);
    if (source.files() != null) c.objectStore("spec.source.files.s3", source.files().s3());
  }

  private static void sink(Collector c, SinkSpec sink) {
    if (sink.kafka() != null) {
      KafkaSink k = sink.kafka();
      c.kafka("spec.sink.kafka.bootstrapServers", KafkaEndpoint.of(k, NO_SECRETS), true);
    }
    if (sink.jdbc() != null) c.jdbc("spec.sink.jdbc.url", sink.jdbc().url());
    if (sink.lake() != null) c.objectStore("spec.sink.lake.s3", sink.lake().s3());
    if (sink.lake() != null && sink.lake().iceberg() != null) {
      c.jdbc("spec.sink.lake.iceberg.catalog.url", sink.lake().iceberg().catalog().url());
    }
    if (sink.featureStore() != null) {
      // Jedis connects without TLS: the feature store has no TLS setting.
      c.hostPort("spec.sink.featureStore.redisAddress", sink.featureStore().redisAddress(), false);
    }
  }

  private static void events(Collector c, EventsSpec events, boolean worker) {
    if (events.kafka() != null) {
      // Events go to their cluster without security settings (EventsSpec.Kafka).
      c.kafka(
          "spec.events.kafka.bootstrapServers",
          KafkaEndpoint.plain(events.kafka().bootstrapServers()),
          worker);
    }
    if (events.http() != null) c.url("spec.events.http.url", events.http().url(), worker);
  }

  private static void lineage(
      Collector c, WorkerPlan.LineageConfig lineage, SourceSpec source, SinkSpec sink) {
    if (lineage == null || lineage.transport() == null) return;
    switch (lineage.transport()) {
      case "http" -> {
        if (lineage.url() != null) {
          c.url("the operator's lineage.url (TRIBUTARY_LINEAGE_URL)", lineage.url(), true);
        }
      }
      case "kafka" -> {
        if (lineage.bootstrapServers() != null) {
          c.kafka(
              "the operator's lineage.bootstrapServers (TRIBUTARY_LINEAGE_BOOTSTRAP_SERVERS)",
              KafkaEndpoint.lineage(lineage, source, sink, NO_SECRETS),
              true);
        }
      }
      default -> {} // console, none: nothing leaves the pod
    }
  }

  /**
   * Only the protocol of a {@link KafkaEndpoint} is used here: it is decided by which references
   * are set, never by the values, so no Secret is read.
   */
  private static final KafkaEndpoint.SecretReader NO_SECRETS = (ref, field) -> "";

  /** Collects addresses in the order the fields come, each (field, address) once. */
  private static final class Collector {
    private final Set<Address> addresses = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();

    Extraction done() {
      return new Extraction(List.copyOf(addresses), List.copyOf(problems));
    }

    void kafka(String field, KafkaEndpoint cluster, boolean worker) {
      boolean tls = cluster.protocol() != null && cluster.protocol().tls();
      for (String server : cluster.bootstrapServers().split(",")) {
        hostPort(field, server.trim(), tls, worker);
      }
    }

    void hostPort(String field, String text, boolean tls) {
      hostPort(field, text, tls, true);
    }

    void hostPort(String field, String text, boolean tls, boolean worker) {
      int colon = text.lastIndexOf(':');
      String host = colon < 0 ? "" : text.substring(0, colon);
      Integer port = colon < 0 ? null : port(text.substring(colon + 1));
      if (host.isEmpty() || port == null) {
        problems.add(field + ": '" + text + "' is not host:port; write it as host:port");
        return;
      }
      add(field, host, port, tls, worker);
    }

    /**
     * An S3 store: its endpoint URL, or AWS S3 of its region when there is none (path-style
     * requests go to that host; virtual-hosted ones to bucket.host, which a catalog entry covers
     * with a {@code *.} host).
     */
    void objectStore(String field, ObjectStore store) {
      if (store == null) return;
      if (store.endpoint() != null) {
        url(field + ".endpoint", store.endpoint(), true);
      } else {
        String region = store.region() == null ? "us-east-1" : store.region();
        add(field + ".region", "s3." + region + ".amazonaws.com", 443, true, true);
      }
    }

    void url(String field, String text, boolean worker) {
      URI uri;
      try {
        uri = new URI(text);
      } catch (URISyntaxException e) {
        problems.add(field + ": '" + text + "' is not a URL: " + e.getReason());
        return;
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
        problems.add(
            field + ": '" + text + "' names no host: write an absolute http(s)://host/... URL");
        return;
      }
      boolean tls = scheme.equals("https");
      int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
      add(field, uri.getHost(), port, tls, worker);
    }

    /**
     * An MQTT broker as Paho reads {@code serverUri}: {@code tcp://host:port} in plaintext, {@code
     * ssl://host:port} over TLS (the CRD's pattern requires the port).
     */
    void mqtt(String field, String serverUri) {
      URI uri;
      try {
        uri = new URI(serverUri);
      } catch (URISyntaxException e) {
        problems.add(field + ": '" + serverUri + "' is not a URI: " + e.getReason());
        return;
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (uri.getHost() == null
          || uri.getPort() < 0
          || !(scheme.equals("tcp") || scheme.equals("ssl"))) {
        problems.add(
            field
                + ": '"
                + serverUri
                + "' is not tcp://host:port or ssl://host:port; write the broker that way");
        return;
      }
      add(field, uri.getHost(), uri.getPort(), scheme.equals("ssl"), true);
    }

    /**
     * {@code jdbc:postgresql://host[:port][,host[:port]...]/db?...} as pgjdbc reads it (no port:
     * 5432; no {@code //}: localhost), or another driver's {@code jdbc:sub://host:port/...} with
     * the port written out. TLS when pgjdbc must use it: {@code sslmode} require, verify-ca or
     * verify-full, or {@code ssl=true} without sslmode; pgjdbc's default ({@code prefer}) falls
     * back to plaintext, so it does not count.
     */
    void jdbc(String field, String url) {
      String rest = url.substring("jdbc:".length());
      int colon = rest.indexOf(':');
      String driver = colon < 0 ? "" : rest.substring(0, colon);
      rest = colon < 0 ? "" : rest.substring(colon + 1);
      boolean postgres = driver.equals("postgresql");
      if (!rest.startsWith("//")) {
        if (postgres) {
          add(field, "localhost", POSTGRES_PORT, postgresTls(rest), true);
        } else {
          problems.add(
              field
                  + ": cannot tell the host and port of '"
                  + url
                  + "': write jdbc:"
                  + driver
                  + "://host:port/...");
        }
        return;
      }
      String authority = rest.substring(2);
      int end = indexOfAny(authority, "/?;");
      String hosts = end < 0 ? authority : authority.substring(0, end);
      boolean tls = postgres && postgresTls(end < 0 ? "" : authority.substring(end));
      for (String h : hosts.split(",")) {
        String host = h;
        Integer port = postgres ? POSTGRES_PORT : null;
        int c = h.lastIndexOf(':');
        if (c > h.lastIndexOf(']')) {
          host = h.substring(0, c);
          port = port(h.substring(c + 1));
        }
        if (host.isEmpty() || port == null) {
          problems.add(
              field
                  + ": cannot tell the host and port of '"
                  + url
                  + "': write jdbc:"
                  + driver
                  + "://host:port/...");
          return;
        }
        add(field, host, port, tls, true);
      }
    }

    private void add(String field, String host, int port, boolean tls, boolean worker) {
      addresses.add(new Address(field, normalize(host), port, tls, worker));
    }
  }

  /** Lower case, without the brackets of an IPv6 literal or the trailing dot of a full name. */
  static String normalize(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
    if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
    return h;
  }

  private static boolean postgresTls(String query) {
    String sslmode = parameter(query, "sslmode");
    if (sslmode != null) {
      return Set.of("require", "verify-ca", "verify-full")
          .contains(sslmode.toLowerCase(Locale.ROOT));
    }
    String ssl = parameter(query, "ssl");
    return ssl != null && (ssl.isEmpty() || ssl.equalsIgnoreCase("true"));
  }

  private static String parameter(String query, String name) {
    int q = query.indexOf('?');
    if (q < 0) return null;
    for (String pair : query.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (key.equalsIgnoreCase(name)) return eq < 0 ? "" : pair.substring(eq + 1);
    }
    return null;
  }

  private static Integer port(String text) {
    try {
      int p = Integer.parseInt(text);
      return p >= 1 && p <= 65535 ? p : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) return i;
    }
    return -1;
  }
}

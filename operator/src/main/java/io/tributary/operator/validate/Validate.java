package io.tributary.operator.validate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.DataEndpoint;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.Groups;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.TransformSet;
import io.tributary.operator.api.TransformSetSpec;
import io.tributary.operator.api.UpstreamRef;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.policy.EndpointCatalog;
import io.tributary.operator.policy.PipelineChecks;
import io.tributary.operator.policy.ResidencyPolicy;
import io.tributary.operator.policy.TransformSetChecks;
import io.tributary.operator.render.PlanRenderer;
import io.tributary.operator.render.TransformSets;
import io.tributary.operator.schema.BundledCrds;
import io.tributary.operator.schema.CrdSchemaValidator;
import io.tributary.operator.status.Conditions.Reason;
import io.tributary.operator.validate.Manifests.Document;
import io.tributary.plan.PlanCompiler;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * {@code tributary validate FILE...}: checks pipeline manifests without a cluster, with the
 * operator's own code — the bundled CRDs' schema and CEL rules ({@link CrdSchemaValidator}), then
 * what the reconcilers check before acting ({@link SpecChecks}) against the ComputePools,
 * Namespaces, TransformSets and DataPipelines found in the same files. One line per problem, {@code
 * file:line: Kind/namespace/name: field: problem}; exit 0 when there is none, 1 when there are, 2
 * on a usage or I/O error (see docs/validate.md).
 */
public final class Validate {
  public static final int OK = 0;
  public static final int PROBLEMS = 1;
  public static final int USAGE = 2;

  /** Where a namespaced object without metadata.namespace is checked, as kubectl's default. */
  static final String DEFAULT_NAMESPACE = "default";

  static final String USAGE_TEXT =
      """
      Usage: tributary validate [--help] FILE|DIR|- ...

      Checks DataPipeline, StreamJob, TransformSet, ComputePool and DataEndpoint manifests without
      a cluster: the CRD schema and its CEL rules, expressions, fields, personal data, residency,
      pools and dependsOn cycles, with the operator's own checks. Directories are read recursively
      (*.yaml, *.yml); - reads standard input. Pools, Namespaces (their tributary.io/residency
      label), TransformSets, upstream DataPipelines and DataEndpoints are looked up among the files
      given, so pass them together: a pipeline's checks run with the steps of the sets it names in
      place. The endpoint catalog is checked only when DataEndpoints are given.

      Prints one line per problem: file:line: Kind/namespace/name: field: problem
      Exit status: 0 no problem, 1 problems found, 2 usage or I/O error.
      """;

  private static final KubernetesSerialization STRICT =
      new KubernetesSerialization(
          new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES), false);

  private final PrintStream out;
  private final PrintStream err;
  private final InputStream stdin;
  private final OperatorConfig config = OperatorConfig.defaults();

  private Validate(PrintStream out, PrintStream err, InputStream stdin) {
    this.out = out;
    this.err = err;
    this.stdin = stdin;
  }

  /** Runs the command; {@code args} exclude the word {@code validate}. Returns the exit status. */
  public static int run(List<String> args, InputStream stdin, PrintStream out, PrintStream err) {
    return new Validate(out, err, stdin).run(args);
  }

  private int run(List<String> args) {
    if (args.contains("--help") || args.contains("-h")) {
      out.print(USAGE_TEXT);
      return OK;
    }
    List<String> unknown = args.stream().filter(a -> a.startsWith("-") && !a.equals("-")).toList();
    if (args.isEmpty() || !unknown.isEmpty()) {
      if (!unknown.isEmpty()) err.println("tributary validate: unknown option " + unknown.get(0));
      err.print(USAGE_TEXT);
      return USAGE;
    }
    List<Document> docs = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    try {
      for (String arg : args) read(arg, docs, problems);
    } catch (IOException | UncheckedIOException e) {
      err.println("tributary validate: " + e.getMessage());
      return USAGE;
    }
    problems.addAll(check(docs));
    problems.forEach(out::println);
    if (!problems.isEmpty()) {
      err.printf(
          "tributary validate: %d problem(s) in %d object(s)%n", problems.size(), docs.size());
      return PROBLEMS;
    }
    return OK;
  }

  private void read(String arg, List<Document> docs, List<String> problems) throws IOException {
    if (arg.equals("-")) {
      parse("<stdin>", new InputStreamReader(stdin, StandardCharsets.UTF_8), docs, problems);
      return;
    }
    Path path = Path.of(arg);
    if (!Files.exists(path)) throw new IOException(arg + ": no such file or directory");
    List<Path> files;
    if (Files.isDirectory(path)) {
      try (Stream<Path> walk = Files.walk(path)) {
        files =
            walk.filter(Files::isRegularFile)
                .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                .sorted()
                .toList();
      }
    } else {
      files = List.of(path);
    }
    for (Path file : files) {
      parse(file.toString(), Files.newBufferedReader(file), docs, problems);
    }
  }

  private static void parse(String file, Reader reader, List<Document> docs, List<String> problems)
      throws IOException {
    try (reader) {
      docs.addAll(Manifests.read(file, reader));
    } catch (JsonProcessingException e) {
      problems.add(yamlProblem(file, e));
    }
  }

  /** SnakeYAML's message is several lines with an excerpt: one line, at the problem's line. */
  private static String yamlProblem(String file, JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
      String what =
          (m.getContext() == null ? "" : m.getContext() + ": ")
              + String.valueOf(m.getProblem()).replace('\n', ' ');
      return file + ":" + (m.getProblemMark().getLine() + 1) + ": not valid YAML: " + what;
    }
    int line = e.getLocation() == null ? 1 : e.getLocation().getLineNr();
    String first = e.getOriginalMessage().lines().findFirst().orElse("");
    return file + ":" + line + ": not valid YAML: " + first;
  }

  /** The objects that passed the schema, by kind, and the problems of all of them. */
  private List<String> check(List<Document> docs) {
    List<String> problems = new ArrayList<>();
    Map<String, ComputePoolSpec> pools = new HashMap<>();
    Set<String> brokenPools = new HashSet<>();
    Map<String, String> namespaceRegions = new HashMap<>();
    Map<String, Map<String, TransformSetSpec>> sets = new HashMap<>();
    Set<String> brokenSets = new HashSet<>();
    Map<Document, HasMetadata> valid = new LinkedHashMap<>();
    List<EndpointCatalog.Entry> endpoints = new ArrayList<>();
    for (Document doc : docs) {
      if (doc.kind().equals("Namespace") && doc.node().path("apiVersion").asText().equals("v1")) {
        String region =
            doc.node()
                .path("metadata")
                .path("labels")
                .path(Groups.RESIDENCY_NAMESPACE_LABEL)
                .asText(null);
        if (region != null) namespaceRegions.put(doc.name(), region);
        continue;
      }
      Optional<CrdSchemaValidator> crd = BundledCrds.forKind(doc.kind());
      if (crd.isEmpty() || !ours(doc)) continue;
      List<String> violations = crd.get().validate(doc.node());
      violations.forEach(v -> problems.add(line(doc, v)));
      HasMetadata object = violations.isEmpty() ? read(doc, problems) : null;
      if (object != null) valid.put(doc, object);
      if (object instanceof DataEndpoint endpoint) {
        endpoints.add(
            new EndpointCatalog.Entry(endpoint.getMetadata().getName(), endpoint.getSpec()));
      } else if (object instanceof ComputePool pool) {
        pools.put(pool.getMetadata().getName(), pool.getSpec());
      } else if (object == null && doc.kind().equals("ComputePool")) {
        brokenPools.add(doc.name());
      } else if (object instanceof TransformSet set) {
        sets.computeIfAbsent(set.getMetadata().getNamespace(), n -> new HashMap<>())
            .put(set.getMetadata().getName(), set.getSpec());
      } else if (object == null && doc.kind().equals("TransformSet")) {
        brokenSets.add(namespaceOf(doc) + "/" + doc.name());
      }
    }
    // The catalog is checked when its DataEndpoints are among the files, and only then: without
    // them there is no telling which addresses the platform team allows.
    EndpointCatalog catalog =
        endpoints.isEmpty() ? EndpointCatalog.off() : EndpointCatalog.enforced(endpoints);
    Map<String, Map<String, List<String>>> edges = new HashMap<>();
    valid.values().stream()
        .filter(DataPipeline.class::isInstance)
        .map(DataPipeline.class::cast)
        .forEach(
            p ->
                edges
                    .computeIfAbsent(p.getMetadata().getNamespace(), n -> new HashMap<>())
                    .put(p.getMetadata().getName(), dependsOn(p)));
    valid.forEach(
        (doc, object) -> {
          String poolName = poolName(object);
          if (poolName != null && brokenPools.contains(poolName)) return; // reported already
          String ns = object.getMetadata().getNamespace();
          if (TransformSets.referenced(transforms(object)).stream()
              .anyMatch(s -> brokenSets.contains(ns + "/" + s))) {
            return; // the set's own problems are reported already
          }
          ComputePoolSpec pool = poolName == null ? null : pools.get(poolName);
          Map<String, TransformSetSpec> named = new HashMap<>();
          Map<String, TransformSetSpec> inNamespace = sets.getOrDefault(ns, Map.of());
          for (String s : TransformSets.referenced(transforms(object))) {
            if (inNamespace.containsKey(s)) named.put(s, inNamespace.get(s));
          }
          try {
            semantic(object, named, pool, namespaceRegions, edges, catalog)
                .ifPresent(p -> problems.add(line(doc, p.message())));
          } catch (RuntimeException e) {
            problems.add(line(doc, "could not be checked: " + e));
          }
        });
    return problems;
  }

  private Optional<PipelineChecks.Problem> semantic(
      HasMetadata object,
      Map<String, TransformSetSpec> sets,
      ComputePoolSpec pool,
      Map<String, String> namespaceRegions,
      Map<String, Map<String, List<String>>> edges,
      EndpointCatalog catalog) {
    String ns = object.getMetadata().getNamespace();
    if (object instanceof DataPipeline p) {
      ResidencyPolicy.Residency residency =
          ResidencyPolicy.Residency.of(p.getSpec().residency(), namespaceRegions.get(ns));
      PlanCompiler.Result plan = PlanRenderer.batch(p, sets, config, null);
      return notAmongTheFiles(
          SpecChecks.dataPipeline(
              p,
              sets,
              plan,
              pool,
              residency,
              edges.get(ns),
              SpecChecks.endpoints(catalog, plan, residency, p.getSpec(), sets)));
    }
    if (object instanceof StreamJob job) {
      ResidencyPolicy.Residency residency =
          ResidencyPolicy.Residency.of(job.getSpec().residency(), namespaceRegions.get(ns));
      PlanCompiler.Result plan = PlanRenderer.stream(job, sets, config);
      return notAmongTheFiles(
          SpecChecks.streamJob(
              job,
              sets,
              plan,
              pool,
              residency,
              SpecChecks.endpoints(catalog, plan, residency, job.getSpec(), sets)));
    }
    if (object instanceof TransformSet set) return TransformSetChecks.check(set.getSpec());
    return Optional.empty(); // a ComputePool or DataEndpoint: its schema is all there is to check
  }

  /** A set missing here may well exist in the cluster: say where the CLI looked. */
  private static Optional<PipelineChecks.Problem> notAmongTheFiles(
      Optional<PipelineChecks.Problem> problem) {
    return problem.map(
        p ->
            p.reason() != Reason.TransformSetNotFound
                ? p
                : new PipelineChecks.Problem(
                    p.reason(),
                    p.message()
                        + "; tributary validate looks TransformSets up among the files given:"
                        + " pass the set's file too"));
  }

  private static List<io.tributary.pipeline.TransformSpec> transforms(HasMetadata object) {
    if (object instanceof DataPipeline p) return p.getSpec().transforms();
    if (object instanceof StreamJob j) return j.getSpec().transforms();
    return List.of();
  }

  private static String namespaceOf(Document doc) {
    String ns = doc.node().path("metadata").path("namespace").asText("");
    return ns.isEmpty() ? DEFAULT_NAMESPACE : ns;
  }

  private static boolean ours(Document doc) {
    return doc.node().path("apiVersion").asText().startsWith(Groups.GROUP + "/");
  }

  private static HasMetadata read(Document doc, List<String> problems) {
    Class<? extends HasMetadata> type =
        switch (doc.kind()) {
          case "DataPipeline" -> DataPipeline.class;
          case "StreamJob" -> StreamJob.class;
          case "DataEndpoint" -> DataEndpoint.class;
          case "TransformSet" -> TransformSet.class;
          default -> ComputePool.class;
        };
    try {
      HasMetadata object = STRICT.unmarshal(doc.node().toString(), type);
      if (object instanceof io.fabric8.kubernetes.api.model.Namespaced
          && object.getMetadata().getNamespace() == null) {
        object.getMetadata().setNamespace(DEFAULT_NAMESPACE);
      }
      return object;
    } catch (RuntimeException e) {
      problems.add(line(doc, "spec: cannot be read: " + e.getMessage()));
      return null;
    }
  }

  private static String poolName(HasMetadata object) {
    if (object instanceof DataPipeline p && p.getSpec().compute() != null) {
      return p.getSpec().compute().pool();
    }
    if (object instanceof StreamJob j && j.getSpec().compute() != null) {
      return j.getSpec().compute().pool();
    }
    return null;
  }

  private static List<String> dependsOn(DataPipeline p) {
    List<UpstreamRef> refs = p.getSpec().dependsOn();
    return refs == null ? List.of() : refs.stream().map(UpstreamRef::name).toList();
  }

  /** {@code file:line: Kind/namespace/name: message}, at the line of the field it names. */
  static String line(Document doc, String message) {
    int colon = message.indexOf(": ");
    String path = colon < 0 ? "" : message.substring(0, colon);
    // A CEL rule's message names its field itself, often more precisely than the rule's node.
    String rest = colon < 0 ? "" : message.substring(colon + 2);
    int inner = rest.indexOf(": ");
    if (!path.isEmpty() && inner > 0 && rest.substring(0, inner).startsWith(path)) {
      message = rest;
      path = rest.substring(0, inner);
    }
    String ns = doc.node().path("metadata").path("namespace").asText("");
    boolean namespaced = !doc.kind().equals("ComputePool") && !doc.kind().equals("DataEndpoint");
    String object =
        doc.kind()
            + "/"
            + (namespaced ? (ns.isEmpty() ? DEFAULT_NAMESPACE : ns) + "/" : "")
            + doc.name();
    return doc.file() + ":" + doc.lineOf(path) + ": " + object + ": " + message;
  }
}

package io.tributary.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The local cluster's simulated node groups, as {@code e2e/topology.conf} declares them — the file
 * {@code e2e/cluster.sh} builds the KWOK nodes and MachineDeployments from, so tests name pools,
 * regions and node shapes from the same place instead of repeating them.
 */
public record Topology(List<Group> groups) {

  /**
   * One node group: a pool of identical nodes, static (node names {@code prefix-1..nodes}) or grown
   * and shrunk through a Cluster API MachineDeployment ({@code scaleTarget}).
   */
  public record Group(
      String name,
      String region,
      int nodes,
      String cpu,
      String memory,
      int gpus,
      Optional<String> gpuProduct,
      String instanceType,
      List<Taint> taints,
      Optional<String> prefix,
      Optional<String> scaleTarget) {

    public boolean autoscaled() {
      return scaleTarget.isPresent();
    }

    /** The namespace of the MachineDeployment that scales this group. */
    public String scaleTargetNamespace() {
      return scaleTarget.orElseThrow().substring(0, scaleTarget.get().indexOf('/'));
    }

    public String scaleTargetName() {
      return scaleTarget.orElseThrow().substring(scaleTarget.get().indexOf('/') + 1);
    }
  }

  public record Taint(String key, String value, String effect) {
    /** KWOK's own taint: says a node is simulated, not something a pool promises. */
    public boolean simulation() {
      return key.equals("kwok.x-k8s.io/node");
    }
  }

  public static Topology load() {
    return parse(Kubectl.repo().resolve("e2e/topology.conf"));
  }

  static Topology parse(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Group> groups = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      String[] c = line.split("\\s+");
      if (c.length != 11) {
        throw new IllegalArgumentException(
            file + ":" + (i + 1) + ": 11 columns expected, found " + c.length + ": " + line);
      }
      groups.add(
          new Group(
              c[0],
              c[1],
              Integer.parseInt(c[2]),
              c[3],
              c[4],
              Integer.parseInt(c[5]),
              optional(c[6]),
              c[7],
              taints(c[8]),
              optional(c[9]),
              optional(c[10])));
    }
    return new Topology(List.copyOf(groups));
  }

  public Group group(String name) {
    return groups.stream()
        .filter(g -> g.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("e2e/topology.conf has no group " + name));
  }

  /** The first group that matches, e.g. the autoscaled GPU group. */
  public Group first(java.util.function.Predicate<Group> which, String what) {
    return groups.stream()
        .filter(which)
        .findFirst()
        .orElseThrow(() -> new AssertionError("e2e/topology.conf has no " + what));
  }

  private static Optional<String> optional(String column) {
    return column.equals("-") ? Optional.empty() : Optional.of(column);
  }

  private static List<Taint> taints(String column) {
    if (column.equals("-")) return List.of();
    return Arrays.stream(column.split(","))
        .map(
            t -> {
              int eq = t.indexOf('='), colon = t.lastIndexOf(':');
              return new Taint(
                  t.substring(0, eq), t.substring(eq + 1, colon), t.substring(colon + 1));
            })
        .toList();
  }
}

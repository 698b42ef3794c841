package io.tributary.operator.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Finds dependsOn cycles among the DataPipelines of a namespace. */
public final class DependencyGraph {
  private DependencyGraph() {}

  /**
   * A cycle through {@code start}, as the list of names from start back to start; empty if none.
   *
   * @param edges pipeline name to the names it dependsOn
   */
  public static Optional<List<String>> cycleThrough(String start, Map<String, List<String>> edges) {
    List<String> path = new ArrayList<>();
    path.add(start);
    return search(start, start, edges, path, new HashSet<>());
  }

  private static Optional<List<String>> search(
      String start,
      String node,
      Map<String, List<String>> edges,
      List<String> path,
      Set<String> visited) {
    for (String next : edges.getOrDefault(node, List.of())) {
      if (next.equals(start)) {
        List<String> cycle = new ArrayList<>(path);
        cycle.add(start);
        return Optional.of(cycle);
      }
      if (visited.add(next)) {
        path.add(next);
        Optional<List<String>> found = search(start, next, edges, path, visited);
        if (found.isPresent()) return found;
        path.remove(path.size() - 1);
      }
    }
    return Optional.empty();
  }
}

package io.tributary.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.Condition;
import io.tributary.operator.testing.Golden;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Nodes in, a pool's Ready/Progressing/Degraded out. */
class PoolStatusesTest {
  private static final ComputePoolSpec SPEC =
      Golden.fixture("cpu-pool.yaml", ComputePool.class).getSpec();

  /** {@code kind}: r = ready, n = not ready, u = unknown (kubelet silent), c = cordoned. */
  private static List<Node> nodes(String kinds) {
    List<Node> out = new ArrayList<>();
    for (int i = 0; i < kinds.length(); i++) {
      char k = kinds.charAt(i);
      out.add(
          new NodeBuilder()
              .withNewMetadata()
              .withName("node-" + i)
              .endMetadata()
              .withNewSpec()
              .withUnschedulable(k == 'c' ? true : null)
              .endSpec()
              .withNewStatus()
              .addNewCondition()
              .withType("Ready")
              .withStatus(k == 'n' ? "False" : k == 'u' ? "Unknown" : "True")
              .withReason(k == 'n' ? "KubeletNotReady" : k == 'u' ? "NodeStatusUnknown" : null)
              .endCondition()
              .endStatus()
              .build());
    }
    return out;
  }

  @Test
  void conditionsFollowTheNodes() {
    // nodes, desiredNodes, Ready, Progressing, Degraded (status/reason), a message fragment
    Object[][] table = {
      {"", null, "False/NoNodes", "False/Stable", "False/NoProblems", "no node matches"},
      {"rrr", null, "True/NodesReady", "False/Stable", "False/NoProblems", "3 of 3 nodes ready"},
      {
        "rrn",
        null,
        "True/NodesReady",
        "False/Stable",
        "True/NodesNotReady",
        "node-2 (Ready=False KubeletNotReady)"
      },
      {"ru", null, "True/NodesReady", "False/Stable", "True/NodesNotReady", "Ready=Unknown"},
      {
        "rc",
        null,
        "True/NodesReady",
        "True/NodesCordoned",
        "False/NoProblems",
        "1 node(s) cordoned"
      },
      {"cc", null, "False/NoNodes", "True/NodesCordoned", "False/NoProblems", "none of the 2"},
      {"nn", null, "False/NoNodes", "False/Stable", "True/NodesNotReady", "2 of 2 nodes not ready"},
      {
        "rr",
        4,
        "True/NodesReady",
        "True/Scaling",
        "False/NoProblems",
        "asked the scale target for 4"
      },
      {"rrrr", 4, "True/NodesReady", "False/Stable", "False/NoProblems", "4 matching node(s)"},
    };
    for (Object[] row : table) {
      List<Condition> c =
          PoolStatuses.conditions(SPEC, nodes((String) row[0]), (Integer) row[1], 1);
      String what = "nodes '" + row[0] + "' desired " + row[1];
      assertThat(text(c, Conditions.READY)).as(what).isEqualTo(row[2]);
      assertThat(text(c, Conditions.PROGRESSING)).as(what).isEqualTo(row[3]);
      assertThat(text(c, Conditions.DEGRADED)).as(what).isEqualTo(row[4]);
      assertThat(c.stream().map(Condition::message).toList())
          .as(what)
          .anyMatch(m -> m.contains((String) row[5]));
    }
  }

  @Test
  void aBigPoolNamesAFewNodesAndCountsTheRest() {
    List<Condition> c = PoolStatuses.conditions(SPEC, nodes("rnnnnnnn"), null, 1);
    assertThat(Conditions.find(c, Conditions.DEGRADED).message())
        .startsWith("7 of 8 nodes not ready: node-1")
        .endsWith("and 2 more");
  }

  private static String text(List<Condition> c, String type) {
    Condition x = Conditions.find(c, type);
    return x.status() + "/" + x.reason();
  }
}

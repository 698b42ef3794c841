package io.tributary.runtime.stream;

import io.tributary.runtime.testing.TestPlans;

/** Stream plans for the broker tests. */
final class Plans {
  private Plans() {}

  /** A stream plan, compiled as the operator compiles it. */
  static String plan(
      String name,
      String bootstrap,
      String input,
      String output,
      String transforms,
      String schema,
      String extra) {
    return TestPlans.compileToJson(
        "{\"planVersion\":1,\"kind\":\"StreamJob\","
            + "\"pipeline\":{\"namespace\":\"it\",\"name\":\""
            + name
            + "\",\"uid\":\"u-"
            + name
            + "\"},"
            + "\"metricsPort\":0,\"commitInterval\":\"200ms\","
            + "\"source\":{\"kafka\":{\"bootstrapServers\":\""
            + bootstrap
            + "\",\"topics\":[\""
            + input
            + "\"]}},"
            + "\"sink\":{\"kafka\":{\"bootstrapServers\":\""
            + bootstrap
            + "\",\"topic\":\""
            + output
            + "\"}},"
            + "\"transforms\":"
            + transforms
            + (schema == null ? "" : ",\"schema\":" + schema)
            + (extra == null ? "" : "," + extra)
            + "}");
  }
}

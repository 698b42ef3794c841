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
    return plan(name, bootstrap, null, input, output, transforms, schema, extra);
  }

  /**
   * A stream plan whose source and sink reach {@code bootstrap} with {@code securityJson} (the
   * spec's security block as JSON; null for none).
   */
  static String plan(
      String name,
      String bootstrap,
      String securityJson,
      String input,
      String output,
      String transforms,
      String schema,
      String extra) {
    String security = securityJson == null ? "" : ",\"security\":" + securityJson;
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
            + "\"]"
            + security
            + "}},"
            + "\"sink\":{\"kafka\":{\"bootstrapServers\":\""
            + bootstrap
            + "\",\"topic\":\""
            + output
            + "\""
            + security
            + "}},"
            + "\"transforms\":"
            + transforms
            + (schema == null ? "" : ",\"schema\":" + schema)
            + (extra == null ? "" : "," + extra)
            + "}");
  }
}

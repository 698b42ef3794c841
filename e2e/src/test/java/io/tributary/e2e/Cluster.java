package io.tributary.e2e;

import java.util.Properties;

/** Where the cluster and its Kafka are; fails loudly when the suite runs without them. */
public final class Cluster {
  private Cluster() {}

  public static String kafkaBootstrap() {
    String b = System.getenv("KAFKA_BOOTSTRAP");
    if (b == null || b.isBlank()) {
      throw new AssertionError(
          "KAFKA_BOOTSTRAP is not set: run the e2e suite through ./test.sh (or eval \"$(e2e/cluster.sh env)\")");
    }
    return b;
  }

  /**
   * The local cluster's MQTT broker as the host reaches it (tcp://node-ip:1883), which pods reach
   * as mqtt.tributary-system.svc.
   */
  public static String mqttBroker() {
    String b = System.getenv("TRIBUTARY_MQTT");
    if (b == null || b.isBlank()) {
      throw new AssertionError(
          "TRIBUTARY_MQTT is not set: run the e2e suite through ./test.sh (or eval \"$(e2e/cluster.sh env)\")");
    }
    return b;
  }

  public static void requireCluster() {
    if (System.getenv("KUBECONFIG") == null) {
      throw new AssertionError(
          "KUBECONFIG is not set: run the e2e suite through ./test.sh (or eval \"$(e2e/cluster.sh env)\")");
    }
    Kubectl.run("get", "nodes").ok();
  }

  static Properties kafka() {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafkaBootstrap());
    return p;
  }
}

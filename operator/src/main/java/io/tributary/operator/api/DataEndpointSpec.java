package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/**
 * An external endpoint of the catalog. A pipeline's address {@code host:port} is covered by an
 * entry when the port is one of {@link #ports} and the host is one of {@link #hosts} (a leading
 * {@code *.} covering every name below that domain).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DataEndpointSpec(
    @Required
        @JsonPropertyDescription(
            "What the endpoint is: kafka, postgres, http (HTTP APIs, event receivers, model"
                + " servers), redis, s3, mqtt or other. kafka and http entries are also opened to"
                + " the operator when its egress is restricted (consumer lag, CloudEvents);"
                + " matching is by host and port only.")
        Type type,
    @Required
        @Pattern("^[a-z]{2}-[a-z]+-[0-9]+$")
        @JsonPropertyDescription(
            "Region the endpoint's data lives in, e.g. me-central-1. The operator refuses a"
                + " pipeline whose residency region differs (ResidencyViolation), whatever the"
                + " pipeline's own source.region or sink.region says.")
        String region,
    @Required
        @Size(min = 1, max = 64)
        @JsonPropertyDescription(
            "Host names or IP addresses exactly as pipelines write them in bootstrapServers, JDBC"
                + " URLs, HTTP URLs (model servers' included), Redis addresses and MQTT serverUris"
                + " (compared without case; a Kubernetes"
                + " Service is as many entries as the spellings in use, e.g."
                + " kafka.tributary-system.svc and kafka.tributary-system.svc.cluster.local). A"
                + " leading *. covers every name below the domain: *.kafka.example.com covers"
                + " b-1.kafka.example.com but not kafka.example.com.")
        List<@Size(max = 253) @Pattern(HOST) String> hosts,
    @Required
        @Size(min = 1, max = 32)
        @JsonPropertyDescription(
            "TCP ports pipelines write with those hosts, e.g. [9092]. An address is covered when"
                + " its host and its port are both listed.")
        List<@Min(1) @Max(65535) Integer> ports,
    @JsonPropertyDescription(
            "TLS requirements. Without it, pipelines may reach the endpoint with or without TLS.")
        Tls tls,
    @Required
        @JsonPropertyDescription(
            "What the egress NetworkPolicy of the workers that use this endpoint allows: the"
                + " network peers (ipBlock CIDRs, namespaces, pods) behind the hosts, on the ports"
                + " connections really go to. For a Kafka cluster, every broker the bootstrap"
                + " servers advertise. Without a peer covering them, workers cannot connect.")
        Egress egress) {

  /** A host name, an IP address, or {@code *.} and a domain; no port, no scheme. */
  public static final String HOST = "^([*][.])?[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$";

  /** What kind of service an endpoint is. */
  public enum Type {
    @JsonProperty("kafka")
    KAFKA,
    @JsonProperty("postgres")
    POSTGRES,
    @JsonProperty("http")
    HTTP,
    @JsonProperty("redis")
    REDIS,
    @JsonProperty("s3")
    S3,
    @JsonProperty("mqtt")
    MQTT,
    @JsonProperty("other")
    OTHER
  }

  /** Whether TLS is required. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Tls(
      @JsonPropertyDescription(
              "true: refuse (EndpointRequiresTls) a pipeline that reaches the endpoint without"
                  + " TLS: a Kafka security.protocol other than SSL or SASL_SSL, an http:// URL, a"
                  + " JDBC URL without sslmode=require, verify-ca or verify-full (or ssl=true), an"
                  + " MQTT tcp:// serverUri, a Redis address (the feature store has no TLS setting yet). Default false.")
          Boolean required) {
    public boolean isRequired() {
      return Boolean.TRUE.equals(required);
    }
  }

  /** The network peers and ports of an endpoint, for the workers' egress NetworkPolicy. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Egress(
      @Required
          @Size(min = 1, max = 64)
          @JsonPropertyDescription(
              "Peers to allow, as in a NetworkPolicy egress rule: each sets ipBlock, or"
                  + " namespaceSelector and/or podSelector. NetworkPolicy sees the addresses"
                  + " after a Service's translation, so name the pods (or their IPs) behind a"
                  + " Service, not its cluster IP.")
          List<Peer> to,
      @Size(max = 32)
          @JsonPropertyDescription(
              "TCP ports at the peers, when they differ from spec.ports (a Service whose"
                  + " targetPort is not its port); default spec.ports.")
          List<@Min(1) @Max(65535) Integer> ports) {}

  /** One peer of an egress rule. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "has(self.ipBlock) != (has(self.namespaceSelector) || has(self.podSelector))",
      message =
          "spec.egress.to[]: set either ipBlock, or namespaceSelector and/or podSelector, as in"
              + " a NetworkPolicy peer")
  public record Peer(
      @JsonPropertyDescription("Addresses by CIDR, e.g. {cidr: 10.20.0.0/16}.") IpBlock ipBlock,
      @JsonPropertyDescription(
              "Namespaces by label, e.g. {matchLabels: {kubernetes.io/metadata.name: kafka}};"
                  + " with podSelector, the matching pods of those namespaces.")
          Selector namespaceSelector,
      @JsonPropertyDescription(
              "Pods by label; without namespaceSelector, pods of the pipeline's own namespace.")
          Selector podSelector) {}

  /** A CIDR range. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record IpBlock(
      @Required
          @Pattern("^[0-9a-fA-F:.]+/[0-9]{1,3}$")
          @JsonPropertyDescription("The range, e.g. 10.20.0.0/16 or 10.244.0.1/32.")
          String cidr,
      @Size(max = 32)
          @JsonPropertyDescription("Ranges inside cidr to leave out, e.g. [10.20.5.0/24].")
          List<String> except) {}

  /** A label selector (labels only). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Selector(
      @Required
          @JsonPropertyDescription(
              "Labels the namespaces or pods must all carry; {} selects every one.")
          Map<String, String> matchLabels) {}
}

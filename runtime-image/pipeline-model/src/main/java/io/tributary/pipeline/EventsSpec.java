package io.tributary.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Where a pipeline's run or rollout events go, as CloudEvents (docs/events.md). Exactly one
 * destination is set. Events are reporting: a receiver that is down never fails a run.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "[has(self.kafka), has(self.http)].filter(x, x).size() == 1",
    message = "events: set exactly one of kafka or http")
public record EventsSpec(
    @JsonPropertyDescription(
            "Produce each event to a Kafka topic as a structured-mode JSON CloudEvent (the record"
                + " value), keyed by the event source so one pipeline's events stay in order.")
        Kafka kafka,
    @JsonPropertyDescription(
            "POST each event to an HTTP endpoint as a structured-mode JSON CloudEvent"
                + " (Content-Type application/cloudevents+json), e.g. an Argo Events webhook or a"
                + " Knative broker.")
        Http http) {

  /** Events to {@code topic} on {@code bootstrapServers}. */
  public static EventsSpec kafka(String bootstrapServers, String topic) {
    return new EventsSpec(new Kafka(bootstrapServers, topic), null);
  }

  /** Events posted to {@code url}, timeout and attempts at their defaults. */
  public static EventsSpec http(String url) {
    return new EventsSpec(null, new Http(url, null, null));
  }

  /** The destination's kind, for messages and metric labels: kafka, http or none. */
  public String kind() {
    if (kafka != null) return "kafka";
    if (http != null) return "http";
    return "none";
  }

  /** A Kafka topic; the cluster is reached without authentication. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Kafka(
      @Required
          @Pattern("^[^,\\s]+:[0-9]+(,[^,\\s]+:[0-9]+)*$")
          @JsonPropertyDescription("Bootstrap servers, host:port[,host:port].")
          String bootstrapServers,
      @Required
          @Pattern("^[a-zA-Z0-9._-]{1,249}$")
          @JsonPropertyDescription("Topic the events are produced to.")
          String topic) {}

  /** An HTTP endpoint. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Http(
      @Required
          @Pattern("^https?://[^\\s/]+(/\\S*)?$")
          @JsonPropertyDescription(
              "Absolute http or https URL each event is POSTed to; any 2xx answer is a delivery.")
          String url,
      @Pattern("^([0-9]+(ms|s|m|h|d))+$")
          @JsonPropertyDescription(
              "How long one attempt may take, connecting included, e.g. 2s (default 5s).")
          String timeout,
      @Min(1)
          @Max(10)
          @JsonPropertyDescription(
              "Attempts per event (default 3). An attempt that fails to connect, times out or gets"
                  + " a 5xx or 429 answer is retried after a backoff doubling from 200ms; any other"
                  + " answer is final. An event not delivered is logged and counted; it fails"
                  + " neither a run nor a stream.")
          Integer maxAttempts) {

    public Http withTimeout(String v) {
      return new Http(url, v, maxAttempts);
    }

    public Http withMaxAttempts(Integer v) {
      return new Http(url, timeout, v);
    }
  }
}

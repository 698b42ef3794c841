package io.tributary.plan;

import io.tributary.pipeline.Durations;
import io.tributary.pipeline.EventsSpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the operator and the worker refuse in an events destination ({@code spec.events}, the plan's
 * {@code events}), in the same words on both sides. The CRD schema says much of this already; the
 * worker reads a plan, not a CRD, so it is said again here, once.
 */
final class EventsCheck {
  static final String PATH = "events";

  private EventsCheck() {}

  /** The problems of {@code events}; none for null (no events). */
  static List<PlanProblem> check(EventsSpec events) {
    List<PlanProblem> out = new ArrayList<>();
    if (events == null) return out;
    if ((events.kafka() == null) == (events.http() == null)) {
      out.add(PlanProblem.spec(PATH, "set exactly one of kafka or http"));
      return out;
    }
    if (events.kafka() != null) {
      if (blank(events.kafka().bootstrapServers())) {
        out.add(
            PlanProblem.spec(
                PATH + ".kafka.bootstrapServers",
                "missing: name the brokers of the events topic, host:port[,host:port]"));
      }
      if (blank(events.kafka().topic())) {
        out.add(
            PlanProblem.spec(
                PATH + ".kafka.topic", "missing: name the topic the events are produced to"));
      }
      return out;
    }
    EventsSpec.Http http = events.http();
    if (blank(http.url())) {
      out.add(
          PlanProblem.spec(
              PATH + ".http.url",
              "missing: the URL events are POSTed to, e.g."
                  + " http://webhook-eventsource-svc.argo-events:12000/fresh-data"));
    } else if (!httpUrl(http.url())) {
      out.add(
          PlanProblem.spec(
              PATH + ".http.url",
              "'"
                  + http.url()
                  + "' is not an absolute http or https URL with a host, e.g."
                  + " http://webhook-eventsource-svc.argo-events:12000/fresh-data"));
    }
    if (http.timeout() != null) {
      try {
        if (Durations.parse(http.timeout()).isZero()) {
          out.add(PlanProblem.spec(PATH + ".http.timeout", "must be longer than 0, e.g. 5s"));
        }
      } catch (IllegalArgumentException e) {
        out.add(PlanProblem.spec(PATH + ".http.timeout", e.getMessage()));
      }
    }
    if (http.maxAttempts() != null && (http.maxAttempts() < 1 || http.maxAttempts() > 10)) {
      out.add(
          PlanProblem.spec(
              PATH + ".http.maxAttempts",
              http.maxAttempts() + " is outside 1..10: set how many times one event is tried"));
    }
    return out;
  }

  private static boolean httpUrl(String url) {
    try {
      URI u = new URI(url);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
          && u.getHost() != null
          && !u.getHost().isEmpty();
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}

package io.tributary.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalDouble;

/** The local cluster's Prometheus (e2e/lib/prometheus.sh), through its HTTP query API. */
final class Prometheus {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private Prometheus() {}

  static String url() {
    String url = System.getenv("PROMETHEUS_URL");
    if (url == null || url.isBlank()) {
      throw new AssertionError(
          "PROMETHEUS_URL is not set: run the e2e suite through ./test.sh (or eval \"$(e2e/cluster.sh env)\")");
    }
    return url;
  }

  /** The value of an instant query that yields one series; empty when it yields none. */
  static OptionalDouble scalar(String promql) {
    JsonNode result = query(promql).at("/data/result");
    if (result.isEmpty()) return OptionalDouble.empty();
    if (result.size() > 1) {
      throw new AssertionError(promql + " yields " + result.size() + " series: " + result);
    }
    return OptionalDouble.of(Double.parseDouble(result.get(0).at("/value/1").asText()));
  }

  static JsonNode query(String promql) {
    URI uri =
        URI.create(
            url() + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(r.body());
      if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
        throw new AssertionError("Prometheus refused " + promql + ": " + r.body());
      }
      return body;
    } catch (IOException e) {
      throw new AssertionError("Prometheus at " + url() + " does not answer: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}

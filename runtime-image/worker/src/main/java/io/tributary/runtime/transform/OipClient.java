package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.transform.InferTransform.Datatype;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One inference request over the Open Inference Protocol, v2 REST ({@code POST
 * <url>/v2/models/<model>[/versions/<version>]/infer}), as KServe, Triton and MLServer speak it:
 * inputs as {@code [rows, n]} tensors with flat row-major data, outputs asked for by name.
 */
final class OipClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int REASON_LIMIT = 500;

  /** A request that failed: retryable for the server's sake, or refused for the request's. */
  static final class CallFailed extends Exception {
    final boolean retryable;

    CallFailed(String reason, boolean retryable, Throwable cause) {
      super(reason, cause, false, false);
      this.retryable = retryable;
    }
  }

  private final URI endpoint;
  private final Datatype datatype;
  private final Duration timeout;
  private final HttpClient http;

  OipClient(String url, String model, String version, Datatype datatype, Duration timeout) {
    String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.endpoint =
        URI.create(
            base
                + "/v2/models/"
                + model
                + (version == null ? "" : "/versions/" + version)
                + "/infer");
    this.datatype = datatype;
    this.timeout = timeout;
    // HTTP/1.1: no h2c upgrade dance on plain http, which model servers (uvicorn, Triton) do not
    // take and which costs a round trip when they refuse it.
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
  }

  URI endpoint() {
    return endpoint;
  }

  Map<String, double[][]> infer(Map<String, double[][]> inputs, int rows, List<String> outputs)
      throws CallFailed {
    HttpResponse<String> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(endpoint)
                  .timeout(timeout)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(request(inputs, rows, outputs)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new CallFailed("no answer from " + endpoint + " within " + timeout, true, e);
    } catch (IOException e) {
      throw new CallFailed("cannot reach " + endpoint + ": " + e, true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CallFailed("interrupted while calling " + endpoint, true, e);
    }
    int status = response.statusCode();
    if (status != 200) {
      boolean retryable = status == 408 || status == 429 || status >= 500;
      throw new CallFailed(
          "the model server answered " + status + ": " + reason(response.body()), retryable, null);
    }
    return outputs(response.body(), rows, outputs);
  }

  private String request(Map<String, double[][]> inputs, int rows, List<String> outputs) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode in = body.putArray("inputs");
    inputs.forEach(
        (name, values) -> {
          int n = rows == 0 ? 0 : values[0].length;
          ObjectNode t = in.addObject();
          t.put("name", name);
          t.putArray("shape").add(rows).add(n);
          t.put("datatype", datatype.name());
          ArrayNode data = t.putArray("data");
          for (int r = 0; r < rows; r++) {
            for (double d : values[r]) {
              switch (datatype) {
                case INT64 -> data.add(Math.round(d));
                case FP32 -> data.add((float) d);
                default -> data.add(d);
              }
            }
          }
        });
    ArrayNode out = body.putArray("outputs");
    for (String o : outputs) out.addObject().put("name", o);
    return body.toString();
  }

  private Map<String, double[][]> outputs(String body, int rows, List<String> wanted)
      throws CallFailed {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new CallFailed("the model server's answer is not JSON: " + cut(body), false, e);
    }
    Map<String, JsonNode> byName = new HashMap<>();
    for (JsonNode o : root.path("outputs")) byName.put(o.path("name").asText(), o);
    Map<String, double[][]> out = new HashMap<>();
    for (String name : wanted) {
      JsonNode o = byName.get(name);
      if (o == null) {
        throw new CallFailed(
            "the model server's answer has no output '" + name + "'; it has " + byName.keySet(),
            false,
            null);
      }
      JsonNode data = o.path("data");
      if (!data.isArray() || rows == 0 || data.size() % rows != 0) {
        throw new CallFailed(
            "output '" + name + "' has " + data.size() + " values for " + rows + " records",
            false,
            null);
      }
      int k = data.size() / rows;
      double[][] values = new double[rows][k];
      for (int i = 0; i < data.size(); i++) {
        JsonNode v = data.get(i);
        if (!v.isNumber()) {
          throw new CallFailed("output '" + name + "' holds a non-number", false, null);
        }
        values[i / k][i % k] = v.doubleValue();
      }
      out.put(name, values);
    }
    return out;
  }

  /** The server's reason: the protocol's {@code error} field, else the body, cut short. */
  private static String reason(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      if (n != null && n.hasNonNull("error")) return cut(n.get("error").asText());
    } catch (IOException e) {
      // not JSON: the body as it is
    }
    return body == null || body.isBlank() ? "(no reason given)" : cut(body.strip());
  }

  private static String cut(String s) {
    return s.length() <= REASON_LIMIT ? s : s.substring(0, REASON_LIMIT) + "...";
  }
}

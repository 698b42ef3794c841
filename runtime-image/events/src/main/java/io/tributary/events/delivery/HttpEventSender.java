package io.tributary.events.delivery;

import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.tributary.events.EventJson;
import io.tributary.pipeline.Durations;
import io.tributary.pipeline.EventsSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * POSTs each event as a structured-mode JSON CloudEvent ({@code Content-Type:
 * application/cloudevents+json}), written by the SDK's HTTP binding. An attempt that cannot
 * connect, times out, or gets a 5xx or 429 answer is tried again after a backoff that doubles from
 * {@link #FIRST_BACKOFF}, up to {@code maxAttempts}; any other answer is final. Every attempt sends
 * the same event, id included, so a receiver that got an earlier one can drop the repeat.
 */
public final class HttpEventSender implements EventSender {
  static final Duration FIRST_BACKOFF = Duration.ofMillis(200);

  private final URI url;
  private final Duration timeout;
  private final int maxAttempts;
  private final HttpClient client;

  /** A sender for {@code http}, whose defaults the plan compiler applied. */
  public HttpEventSender(EventsSpec.Http http) {
    this.url = URI.create(http.url());
    this.timeout = Durations.parse(http.timeout());
    this.maxAttempts = http.maxAttempts();
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public Delivery send(CloudEvent event) {
    HttpRequest request = request(event);
    String error = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1 && !backOff(attempt)) {
        return Delivery.failed(attempt - 1, "interrupted; last: " + error);
      }
      try {
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        int status = r.statusCode();
        if (status >= 200 && status < 300) return Delivery.ok(attempt);
        error = "HTTP " + status + answer(r.body());
        if (status < 500 && status != 429) return Delivery.failed(attempt, error);
      } catch (IOException e) {
        error =
            e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Delivery.failed(attempt, "interrupted");
      }
    }
    return Delivery.failed(maxAttempts, error);
  }

  private HttpRequest request(CloudEvent event) {
    Map<String, String> headers = new LinkedHashMap<>();
    byte[][] body = new byte[1][];
    HttpMessageFactory.createWriter(headers::put, b -> body[0] = b)
        .writeStructured(event, EventJson.format());
    HttpRequest.Builder b =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body[0]));
    // The client sets the length itself and refuses to be told.
    headers.forEach(
        (name, value) -> {
          if (!name.equalsIgnoreCase("content-length")) b.header(name, value);
        });
    return b.build();
  }

  /** Waits before attempt {@code attempt}; false when interrupted. */
  private static boolean backOff(int attempt) {
    try {
      Thread.sleep(FIRST_BACKOFF.toMillis() << (attempt - 2));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The start of a refusal's body, which often says why. */
  private static String answer(String body) {
    if (body == null || body.isBlank()) return "";
    String oneLine = body.strip().replaceAll("\\s+", " ");
    return ": " + (oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine);
  }

  @Override
  public Duration longest() {
    return longest(timeout, maxAttempts);
  }

  /** Every attempt (connecting, then the answer) timed out, and every backoff in between. */
  static Duration longest(Duration timeout, int maxAttempts) {
    Duration backoffs = FIRST_BACKOFF.multipliedBy((1L << (maxAttempts - 1)) - 1);
    return timeout.multipliedBy(2L * maxAttempts).plus(backoffs);
  }

  @Override
  public String destination() {
    return url.toString();
  }

  @Override
  public void close() {
    // HttpClient has no close before Java 21; its threads are daemons.
  }
}

package io.tributary.runtime.batch.source;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.source.HttpSource;
import io.tributary.pipeline.source.HttpSource.Pagination;
import io.tributary.runtime.batch.RecordSource;
import io.tributary.runtime.batch.RunFailure;
import io.tributary.runtime.batch.SecretFiles;
import io.tributary.runtime.transform.RecordJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a paginated JSON API with the JDK HTTP client: page, offset, cursor or Link-header
 * pagination; an auth header from a Secret file; a request-rate limit; retries of 429, 5xx and
 * connection failures with exponential backoff that honours {@code Retry-After}. Other 4xx fail the
 * run permanently (a wrong URL or credential does not heal by retrying).
 */
public final class HttpReader implements RecordSource {
  private static final Logger LOG = LoggerFactory.getLogger(HttpReader.class);

  /**
   * Reads a page the strict reader refused: numbers stay exact (BigDecimal), so an item can be
   * written back and checked alone; a field twice still fails, as its value would be a guess.
   */
  private static final ObjectMapper LENIENT =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  /** Stop after this many pages: a server that never ends pagination must not run forever. */
  static final int MAX_PAGES = 1_000_000;

  private final HttpSource spec;
  private final String auth;
  private final HttpClient client;
  private final long minIntervalNanos;
  private final int maxRetries;
  private long nextRequestNanos = System.nanoTime();
  private long requests;

  public HttpReader(HttpSource spec, SecretFiles secrets) {
    this.spec = spec;
    this.auth = secrets.read(spec.authSecretRef(), "source.http.authSecretRef");
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    double rps = spec.requestsPerSecond();
    this.minIntervalNanos = rps <= 0 ? 0 : (long) (1e9 / rps);
    this.maxRetries = spec.maxRetries();
  }

  @Override
  public void read(Handler out) throws Exception {
    Pagination p = spec.pagination();
    Pagination.Type type = p == null ? null : p.type();
    int pageSize = p != null ? p.pageSize() : 0;
    URI first = URI.create(spec.url());
    long page = 1;
    long offset = 0;
    URI url = first;
    if (type == Pagination.Type.PAGE) {
      url = sized(HttpPaging.withParam(first, param(p, "page"), "1"), p, pageSize);
    } else if (type == Pagination.Type.OFFSET) {
      url = sized(HttpPaging.withParam(first, param(p, "offset"), "0"), p, pageSize);
    }
    for (int pages = 0; pages < MAX_PAGES; pages++) {
      HttpResponse<byte[]> response = fetch(url);
      Page read = page(url, response.body());
      JsonNode body = read.body();
      JsonNode items = HttpPaging.at(body, spec.itemsPath());
      if (!items.isArray()) {
        throw RunFailure.permanent(
            url
                + ": "
                + (spec.itemsPath() == null ? "the response" : "itemsPath " + spec.itemsPath())
                + " is not a JSON array; set source.http.itemsPath to the array of records",
            null);
      }
      int index = 0;
      for (JsonNode item : items) {
        String where = redact(url) + ": item " + index++;
        if (!(item instanceof ObjectNode o)) {
          out.reject(where + ": not a JSON object", item.toString());
        } else if (read.strict()) {
          out.accept(o);
        } else {
          try {
            out.accept(RecordJson.parse(LENIENT.writeValueAsBytes(o)));
          } catch (RecordJson.NotARecord e) {
            out.reject(where + ": " + e.getMessage(), o.toString());
          }
        }
      }
      int n = items.size();
      if (type == null) {
        return;
      }
      switch (type) {
        case PAGE -> {
          if (n == 0 || n < pageSize) return;
          page++;
          url = HttpPaging.withParam(url, param(p, "page"), Long.toString(page));
        }
        case OFFSET -> {
          if (n == 0 || n < pageSize) return;
          offset += n;
          url = HttpPaging.withParam(url, param(p, "offset"), Long.toString(offset));
        }
        case CURSOR -> {
          JsonNode cursor = HttpPaging.at(body, p.cursorPath());
          if (cursor.isMissingNode() || cursor.isNull() || cursor.asText().isEmpty() || n == 0) {
            return;
          }
          url = HttpPaging.withParam(first, param(p, "cursor"), cursor.asText());
        }
        case LINK -> {
          Optional<URI> next = HttpPaging.nextLink(response.headers().allValues("Link"), url);
          if (next.isEmpty()) return;
          url = next.get();
        }
      }
    }
    throw RunFailure.permanent(
        "source.http: more than " + MAX_PAGES + " pages; check pagination", null);
  }

  /** A response body, and whether the strict reader accepted all of it. */
  private record Page(JsonNode body, boolean strict) {}

  /**
   * Reads a page with the strict record reader. When it refuses the page, the page is read again
   * keeping every number exact, and each item is checked on its own: one item with a number beyond
   * a double is one dead letter, not a failed run. A page that is not JSON, not UTF-8 or has a
   * field twice fails the run permanently (a retry gets the same page), naming the URL and the
   * reason.
   */
  private static Page page(URI url, byte[] body) {
    try {
      return new Page(RecordJson.parseAny(body), true);
    } catch (RecordJson.NotARecord strict) {
      try {
        return new Page(LENIENT.readTree(body), false);
      } catch (IOException e) {
        throw RunFailure.permanent(
            "source.http: the response of "
                + redact(url)
                + " is not a page of records: "
                + strict.getMessage(),
            null);
      }
    }
  }

  private static String param(Pagination p, String fallback) {
    return p.param() != null ? p.param() : fallback;
  }

  private static URI sized(URI url, Pagination p, int pageSize) {
    String sizeParam =
        p.sizeParam() != null
            ? p.sizeParam()
            : p.type() == Pagination.Type.PAGE ? "per_page" : "limit";
    return HttpPaging.withParam(url, sizeParam, Integer.toString(pageSize));
  }

  /** One GET with the rate limit and retries. */
  private HttpResponse<byte[]> fetch(URI url) throws InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(60))
            .header("Accept", "application/json");
    if (auth != null) {
      b.header(spec.authHeader(), auth);
    }
    HttpRequest request = b.GET().build();
    for (int attempt = 0; ; attempt++) {
      pace();
      Duration wait;
      String problem;
      try {
        HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        int s = r.statusCode();
        if (s >= 200 && s < 300) {
          return r;
        }
        problem = "HTTP " + s;
        if (s != 429 && s < 500) {
          throw RunFailure.permanent(
              "source.http: GET "
                  + redact(url)
                  + " answered "
                  + s
                  + "; check the url and the auth secret",
              null);
        }
        wait =
            HttpPaging.retryAfter(r.headers().firstValue("Retry-After"), Instant.now())
                .orElse(HttpPaging.backoff(attempt));
      } catch (IOException e) {
        problem = e.toString();
        wait = HttpPaging.backoff(attempt);
      }
      if (attempt >= maxRetries) {
        throw RunFailure.retryable(
            "source.http: GET "
                + redact(url)
                + " failed after "
                + (attempt + 1)
                + " attempts: "
                + problem,
            null);
      }
      LOG.warn(
          "GET {}: {}; retry {} of {} in {} ms",
          redact(url),
          problem,
          attempt + 1,
          maxRetries,
          wait.toMillis());
      Thread.sleep(wait.toMillis());
    }
  }

  /** Spaces requests at least 1/requestsPerSecond apart. */
  private void pace() throws InterruptedException {
    long now = System.nanoTime();
    if (now < nextRequestNanos) {
      Thread.sleep(
          (nextRequestNanos - now) / 1_000_000, (int) ((nextRequestNanos - now) % 1_000_000));
    }
    nextRequestNanos = Math.max(now, nextRequestNanos) + minIntervalNanos;
    requests++;
  }

  /** URLs in logs without their query string: it may carry tokens. */
  private static String redact(URI url) {
    return url.getScheme() + "://" + url.getAuthority() + url.getPath();
  }

  long requests() {
    return requests;
  }
}

package io.tributary.runtime.batch.source;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Pure helpers of the HTTP source: query parameters, Link headers, JSON paths, Retry-After. */
final class HttpPaging {
  private static final Pattern LINK =
      Pattern.compile("<([^>]*)>\\s*((?:;\\s*[^;,]+)*)", Pattern.CASE_INSENSITIVE);
  private static final Pattern REL_NEXT =
      Pattern.compile(";\\s*rel\\s*=\\s*\"?([^\";]*)\"?", Pattern.CASE_INSENSITIVE);

  private HttpPaging() {}

  /**
   * {@code url} with query parameter {@code name} set to {@code value} (replacing it if present).
   */
  static URI withParam(URI url, String name, String value) {
    String query = url.getRawQuery();
    List<String> parts = new ArrayList<>();
    if (query != null && !query.isEmpty()) {
      for (String p : query.split("&")) {
        String key = p.contains("=") ? p.substring(0, p.indexOf('=')) : p;
        if (!key.equals(name)) parts.add(p);
      }
    }
    parts.add(
        URLEncoder.encode(name, StandardCharsets.UTF_8)
            + "="
            + URLEncoder.encode(value, StandardCharsets.UTF_8));
    String s = url.toString();
    int q = s.indexOf('?');
    int hash = s.indexOf('#');
    String base = q >= 0 ? s.substring(0, q) : hash >= 0 ? s.substring(0, hash) : s;
    return URI.create(base + "?" + String.join("&", parts));
  }

  /** The rel="next" target of an RFC 8288 Link header, resolved against the request URL. */
  static Optional<URI> nextLink(List<String> linkHeaders, URI requestUrl) {
    for (String header : linkHeaders) {
      Matcher m = LINK.matcher(header);
      while (m.find()) {
        Matcher rel = REL_NEXT.matcher(m.group(2));
        while (rel.find()) {
          for (String r : rel.group(1).trim().split("\\s+")) {
            if (r.equalsIgnoreCase("next")) {
              return Optional.of(requestUrl.resolve(m.group(1)));
            }
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The node at a dot-separated path, or a missing node. */
  static JsonNode at(JsonNode root, String path) {
    JsonNode n = root;
    if (path == null || path.isEmpty()) return n;
    for (String part : path.split("\\.")) {
      n = n.path(part);
    }
    return n;
  }

  /**
   * The longest a Retry-After makes one retry wait: a server (or a proxy in front of it) must not
   * park a run for days. A longer request is honoured up to this cap; if the server still refuses,
   * the retries run out and the run fails as retryable, for the operator to retry later.
   */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

  /**
   * Retry-After as seconds or an HTTP date, at most {@link #MAX_RETRY_AFTER}; empty when absent or
   * unreadable.
   */
  static Optional<Duration> retryAfter(Optional<String> header, Instant now) {
    return requestedRetryAfter(header, now)
        .map(d -> d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d);
  }

  private static Optional<Duration> requestedRetryAfter(Optional<String> header, Instant now) {
    if (header.isEmpty()) return Optional.empty();
    String v = header.get().trim();
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
    } catch (NumberFormatException e) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException e2) {
        return Optional.empty();
      }
    }
  }

  /** Exponential backoff: 500 ms, 1 s, 2 s, ... capped at 30 s. */
  static Duration backoff(int attempt) {
    long ms = 500L << Math.min(attempt, 6);
    return Duration.ofMillis(Math.min(ms, 30_000));
  }
}

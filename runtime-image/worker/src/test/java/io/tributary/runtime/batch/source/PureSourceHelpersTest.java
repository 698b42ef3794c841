package io.tributary.runtime.batch.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PureSourceHelpersTest {

  @Test
  void rangesCoverMinToMaxWithoutGapsOrOverlap() {
    List<JdbcRanges.Range> r = JdbcRanges.split(1, 1000, 4);
    assertThat(r).hasSize(4);
    assertThat(r.get(0).lo()).isEqualTo(1);
    for (int i = 1; i < r.size(); i++) assertThat(r.get(i).lo()).isEqualTo(r.get(i - 1).hi());
    assertThat(r.get(3).hi()).isEqualTo(1000);
    assertThat(r.get(3).last()).isTrue();
    assertThat(JdbcRanges.split(5, 6, 8)).hasSize(2);
    assertThat(JdbcRanges.split(7, 7, 3)).containsExactly(new JdbcRanges.Range(7, 7, true));
    assertThat(JdbcRanges.split(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2, 3)).hasSize(3);
  }

  @Test
  void linkHeaderNextIsResolvedAgainstTheRequest() {
    URI req = URI.create("https://api.example.com/v1/orders?page=1");
    assertThat(
            HttpPaging.nextLink(
                List.of(
                    "<https://api.example.com/v1/orders?page=1>; rel=\"prev first\", </v1/orders?page=3>; rel=\"next\""),
                req))
        .contains(URI.create("https://api.example.com/v1/orders?page=3"));
    assertThat(HttpPaging.nextLink(List.of("</x>; rel=\"last\""), req)).isEmpty();
  }

  @Test
  void queryParametersAreReplacedNotRepeated() {
    URI u = HttpPaging.withParam(URI.create("http://h/p?a=1&page=2"), "page", "3");
    assertThat(u.toString()).isEqualTo("http://h/p?a=1&page=3");
    assertThat(HttpPaging.withParam(URI.create("http://h/p"), "cursor", "a b").toString())
        .isEqualTo("http://h/p?cursor=a+b");
  }

  @Test
  void retryAfterInSecondsOrAsADate() {
    Instant now = Instant.parse("2026-11-25T10:00:00Z");
    assertThat(HttpPaging.retryAfter(Optional.of("7"), now)).contains(Duration.ofSeconds(7));
    assertThat(HttpPaging.retryAfter(Optional.of("Wed, 25 Nov 2026 10:00:30 GMT"), now))
        .contains(Duration.ofSeconds(30));
    assertThat(HttpPaging.retryAfter(Optional.of("soon"), now)).isEmpty();
    assertThat(HttpPaging.backoff(0)).isEqualTo(Duration.ofMillis(500));
    assertThat(HttpPaging.backoff(20)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void retryAfterIsCappedSoAServerCannotParkTheRunForDays() {
    Instant now = Instant.parse("2026-11-25T10:00:00Z");
    assertThat(HttpPaging.retryAfter(Optional.of("86400"), now)).contains(Duration.ofMinutes(5));
    assertThat(HttpPaging.retryAfter(Optional.of("99999999999999999"), now))
        .contains(Duration.ofMinutes(5));
    assertThat(HttpPaging.retryAfter(Optional.of("Wed, 02 Dec 2026 10:00:00 GMT"), now))
        .contains(Duration.ofMinutes(5));
  }
}

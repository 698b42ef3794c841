package io.tributary.pipeline.plan;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a record sits in Kafka, written {@code topic/partition@offset}: how a halted stream worker
 * names the record it stopped on, and how the {@code tributary.io/skip-record} annotation names the
 * record to send to the dead letters instead.
 */
public record RecordPosition(String topic, int partition, long offset) {
  // Topic names cannot hold '/' or '@' (Kafka allows [a-zA-Z0-9._-]), so the split is unambiguous.
  private static final Pattern FORM =
      Pattern.compile("([a-zA-Z0-9._-]{1,249})/(\\d{1,9})@(\\d{1,19})");

  /** The position {@code text} names, or empty when it is not {@code topic/partition@offset}. */
  public static Optional<RecordPosition> parse(String text) {
    if (text == null) return Optional.empty();
    Matcher m = FORM.matcher(text.strip());
    if (!m.matches()) return Optional.empty();
    try {
      return Optional.of(
          new RecordPosition(m.group(1), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3))));
    } catch (NumberFormatException e) {
      return Optional.empty(); // beyond int or long
    }
  }

  public boolean is(String topic, int partition, long offset) {
    return this.partition == partition && this.offset == offset && this.topic.equals(topic);
  }

  @Override
  public String toString() {
    return topic + "/" + partition + "@" + offset;
  }
}

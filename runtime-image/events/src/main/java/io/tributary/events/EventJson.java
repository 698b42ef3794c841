package io.tributary.events;

import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import java.nio.charset.StandardCharsets;

/**
 * The structured-mode JSON form of an event ({@code application/cloudevents+json}): the body of an
 * HTTP delivery and the value of a Kafka one.
 */
public final class EventJson {
  /** The media type of a structured-mode JSON CloudEvent. */
  public static final String CONTENT_TYPE = JsonFormat.CONTENT_TYPE;

  private static final JsonFormat FORMAT = new JsonFormat();

  private EventJson() {}

  public static JsonFormat format() {
    return FORMAT;
  }

  public static byte[] bytes(CloudEvent event) {
    return FORMAT.serialize(event);
  }

  public static String text(CloudEvent event) {
    return new String(bytes(event), StandardCharsets.UTF_8);
  }

  public static CloudEvent parse(byte[] json) {
    return FORMAT.deserialize(json);
  }
}

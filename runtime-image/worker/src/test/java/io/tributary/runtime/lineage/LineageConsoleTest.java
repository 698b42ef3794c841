package io.tributary.runtime.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openlineage.client.transports.ConsoleTransport;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.pipeline.source.FilesSource;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The console transport writes each event as one JSON log line. */
class LineageConsoleTest {
  @Test
  void eventsAreLoggedAsJson() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(ConsoleTransport.class);
    Level before = logger.getLevel();
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    logger.setLevel(Level.INFO);
    try {
      WorkerPlan plan =
          WorkerPlan.builder(WorkerPlan.Kind.STREAM_JOB)
              .pipeline("ns", "s", "u")
              .source(SourceSpec.of(new FilesSource("/in/*.jsonl", FileFormat.JSONL, null)))
              .sink(SinkSpec.of(new LakeSink("/lake/out", FileFormat.JSONL, null)))
              .lineage(WorkerPlan.LineageConfig.console())
              .build();
      try (LineageEmitter lineage = LineageEmitter.create(plan, null)) {
        lineage.start();
        lineage.running(7L);
      }
    } finally {
      logger.detachAppender(lines);
      logger.setLevel(before);
    }
    assertThat(lines.list).hasSize(2);
    JsonNode running = new ObjectMapper().readTree(lines.list.get(1).getFormattedMessage());
    assertThat(running.get("eventType").asText()).isEqualTo("RUNNING");
    assertThat(running.at("/job/facets/jobType/processingType").asText()).isEqualTo("STREAMING");
    assertThat(running.at("/inputs/0/name").asText()).isEqualTo("/in/*.jsonl");
  }
}

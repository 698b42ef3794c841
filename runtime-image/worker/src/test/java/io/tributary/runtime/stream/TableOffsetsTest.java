package io.tributary.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Where a stream resumes, read from the snapshot summaries of its Iceberg table. */
class TableOffsetsTest {
  private static final TopicPartition P0 = new TopicPartition("clicks", 0);
  private static final TopicPartition P1 = new TopicPartition("clicks", 1);
  private static final TopicPartition P2 = new TopicPartition("clicks", 2);
  private static final String GROUP = "tributary-web-clicks";

  private static Map<String, String> stream(String group, Map<TopicPartition, Long> offsets) {
    return Map.of(
        TableOffsets.GROUP,
        group,
        TableOffsets.OFFSETS,
        TableOffsets.encode(offsets),
        "added-records",
        "10");
  }

  private static Map<String, String> backfill() {
    return Map.of("tributary.run-id", "backfill-1", "added-records", "50");
  }

  @Test
  void offsetsRoundTripInOrder() {
    String encoded = TableOffsets.encode(Map.of(P1, 7L, P0, 12L, new TopicPartition("a", 3), 1L));
    assertThat(encoded).isEqualTo("{\"a\":{\"3\":1},\"clicks\":{\"0\":12,\"1\":7}}");
    assertThat(TableOffsets.decode(encoded))
        .isEqualTo(Map.of(P1, 7L, P0, 12L, new TopicPartition("a", 3), 1L));
  }

  @Test
  void eachPartitionResumesFromTheNewestCommitThatNamesIt() {
    // Two workers, each committing its own partitions; newest first.
    List<Map<String, String>> history =
        List.of(
            stream(GROUP, Map.of(P1, 90L)),
            stream(GROUP, Map.of(P0, 40L)),
            stream(GROUP, Map.of(P1, 60L)),
            stream(GROUP, Map.of(P0, 10L, P1, 20L, P2, 5L)));
    assertThat(TableOffsets.find(history, GROUP, List.of(P0, P1, P2)))
        .isEqualTo(Map.of(P0, 40L, P1, 90L, P2, 5L));
  }

  @Test
  void aBackfillAndAnotherStreamIntoTheSameTableChangeNothing() {
    List<Map<String, String>> history =
        List.of(
            backfill(),
            stream("tributary-web-other", Map.of(P0, 999L)),
            stream(GROUP, Map.of(P0, 40L)),
            backfill());
    assertThat(TableOffsets.find(history, GROUP, List.of(P0))).isEqualTo(Map.of(P0, 40L));
  }

  @Test
  void aPartitionNoCommitNamedIsAbsentAndAnUnreadableValueNamesNone() {
    List<Map<String, String>> history =
        List.of(
            Map.of(TableOffsets.GROUP, GROUP, TableOffsets.OFFSETS, "not json"),
            stream(GROUP, Map.of(P0, 3L)));
    assertThat(TableOffsets.find(history, GROUP, List.of(P0, P2))).isEqualTo(Map.of(P0, 3L));
    assertThat(TableOffsets.find(List.of(), GROUP, List.of(P0))).isEmpty();
  }

  @Test
  void aCommitIsRefusedWhenAnotherWorkerMovedItsPartitionOn() {
    Map<TopicPartition, Long> base = Map.of(P0, 40L); // P1: the table had no offset
    assertThat(TableOffsets.movedOn(Map.of(P0, 40L), base, List.of(P0, P1))).isEmpty();
    assertThat(TableOffsets.movedOn(Map.of(P0, 55L), base, List.of(P0, P1)))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .startsWith("another worker committed partitions this worker still wrote:")
                    .contains("clicks-0 is at 55 in the table, this worker started at 40"));
    assertThat(TableOffsets.movedOn(Map.of(P0, 40L, P1, 3L), base, List.of(P0, P1)))
        .hasValueSatisfying(m -> assertThat(m).contains("clicks-1 is at 3"));
  }
}

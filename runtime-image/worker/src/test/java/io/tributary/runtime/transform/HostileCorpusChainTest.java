package io.tributary.runtime.transform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.runtime.testing.CorpusAssertions;
import io.tributary.runtime.testing.CorpusAssertions.Seen;
import io.tributary.runtime.testing.HostileCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile corpus through the transform chain alone, as both engines run it: the fast check of
 * every case that does not depend on the transport (the *IT tests run it through Kafka and files).
 */
class HostileCorpusChainTest {
  @TempDir Path secrets;

  @Test
  void everyCaseComesOutIsRejectedAtTheExpectedStepOrIsFiltered() throws Exception {
    HostileCorpus.writeSecret(secrets);
    List<String> mismatches = new ArrayList<>();
    int checked = 0;
    try (TransformChain chain =
        Plans.chain(HostileCorpus.TRANSFORMS, HostileCorpus.SCHEMA, secrets)) {
      for (HostileCorpus.Case c : HostileCorpus.load()) {
        if ("sink".equals(c.step()) || c.only() != null) continue; // the transport's part
        mismatches.addAll(CorpusAssertions.mismatches(c, run(chain, c)));
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(50);
    assertThat(mismatches).isEmpty();
  }

  static Seen run(TransformChain chain, HostileCorpus.Case c) {
    ObjectNode record;
    try {
      record = RecordJson.parse(c.value());
    } catch (RecordJson.NotARecord e) {
      return Seen.deadLetter("source", e.getMessage());
    }
    List<ObjectNode> out = new ArrayList<>();
    try {
      chain.process(record, out::add);
    } catch (RejectedRecordException e) {
      return Seen.deadLetter(e.stepName(), e.reason());
    }
    return out.isEmpty() ? Seen.filtered() : Seen.output(out.get(0));
  }
}

package io.tributary.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.runtime.testing.CorpusAssertions;
import io.tributary.runtime.testing.CorpusAssertions.Seen;
import io.tributary.runtime.testing.HostileCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile corpus through batch runs (a JSON Lines file in, a JSON Lines lake out, dead letters
 * to a path): one run per case, so each outcome is the case's own, and every run succeeds.
 */
class HostileCorpusBatchTest {
  @TempDir Path dir;

  @Test
  void everyHostileRecordIsWrittenDeadLetteredOrFilteredAndEveryRunSucceeds() throws Exception {
    Path secrets = dir.resolve("secrets");
    HostileCorpus.writeSecret(secrets);
    List<HostileCorpus.Case> cases = HostileCorpus.cases("batch");
    assertThat(cases).hasSizeGreaterThanOrEqualTo(50);
    List<String> mismatches = new ArrayList<>();
    for (HostileCorpus.Case c : cases) {
      Path runDir = Files.createDirectories(dir.resolve("runs").resolve(c.name()));
      Path in = Files.write(runDir.resolve("in.jsonl"), c.value());
      BatchPlans p = corpusPlan(runDir, secrets);
      p.source = BatchPlans.files(in, FileFormat.JSONL);
      BatchPlans.Outcome o = p.run(runDir);
      if (o.exitCode() != ExitCodes.OK) {
        mismatches.add(c.name() + ": the run ended " + o.exitCode() + ": " + o.summary().message());
        continue;
      }
      mismatches.addAll(CorpusAssertions.mismatches(c, seen(runDir)));
    }
    assertThat(mismatches).isEmpty();
  }

  /**
   * The corpus's schema and transforms into a JSON Lines lake and dead letters under {@code
   * runDir}; the caller sets the source.
   */
  static BatchPlans corpusPlan(Path runDir, Path secrets) throws Exception {
    BatchPlans p = new BatchPlans();
    p.schema = BatchPlans.JSON.readValue(HostileCorpus.SCHEMA, SchemaSpec.class);
    p.transforms =
        List.of(BatchPlans.JSON.readValue(HostileCorpus.TRANSFORMS, TransformSpec[].class));
    p.sink = BatchPlans.lake(runDir.resolve("lake"), FileFormat.JSONL);
    // One record per run: a rejected one is the whole run, which must still succeed.
    p.deadLetter = new DeadLetterSpec(null, runDir.resolve("dlq").toString(), 1.0);
    p.secretsDir = secrets.toString();
    return p;
  }

  /** What a one-record run in {@code runDir} made of its record. */
  static Seen seen(Path runDir) throws Exception {
    Path dlq = runDir.resolve("dlq/run-1.jsonl");
    if (Files.exists(dlq)) {
      List<JsonNode> dead = BatchPlans.jsonLines(dlq);
      if (!dead.isEmpty()) {
        JsonNode d = dead.get(0);
        return Seen.deadLetter(d.get("step").asText(), d.get("reason").asText());
      }
    }
    List<ObjectNode> out = BatchPlans.lakeRecords(runDir.resolve("lake"));
    return out.isEmpty() ? Seen.filtered() : Seen.output(out.get(0));
  }
}

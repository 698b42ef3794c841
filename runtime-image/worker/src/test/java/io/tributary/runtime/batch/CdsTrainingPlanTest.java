package io.tributary.runtime.batch;

import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.transform.FilterTransform;
import io.tributary.pipeline.transform.MaskTransform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The image build's training run (runtime-image/Dockerfile: {@code run --plan
 * cds/training-plan.json} with {@code -XX:ArchiveClassesAtExit}) must succeed, or the image build
 * fails: the committed plan is the one the compiler makes today. {@link CdsTrainingRunIT} runs it
 * as the Dockerfile does.
 */
class CdsTrainingPlanTest {
  /** runtime-image/cds, from the worker module's directory (where Maven runs the tests). */
  static final Path CDS = Path.of("..", "cds");

  /**
   * The training pipeline: the batch path most runs take (files → normalize → CEL filter → mask →
   * Parquet lake). Paths are relative to the image's working directory, /opt/tributary.
   */
  static BatchPlans trainingPlan() {
    BatchPlans p = new BatchPlans();
    p.runId = "cds-training";
    p.secretsDir = "cds/secrets";
    p.source = BatchPlans.files(Path.of("cds/training.jsonl"), FileFormat.JSONL);
    p.schema = BatchBenchmark.paymentsSchema();
    p.transforms =
        List.of(
            BatchBenchmark.normalizeEmailAndCountry(),
            TransformSpec.of(new FilterTransform("amount >= 0.0")),
            TransformSpec.of(
                new MaskTransform(
                    new SecretKeyRef("mask", "key"),
                    List.of(
                        MaskTransform.Field.of("email", MaskTransform.Method.HMAC),
                        new MaskTransform.Field(
                            "phone", MaskTransform.Method.KEEP_LAST, 4, null, null)))));
    p.deadLetter = new DeadLetterSpec(null, "cds-out/dlq", null);
    p.sink = BatchPlans.lake(Path.of("cds-out/lake"), FileFormat.PARQUET);
    return p;
  }

  @Test
  void committedTrainingPlanIsTheOneTheCompilerMakes() throws Exception {
    String expected = PlanJson.write(trainingPlan().build());
    String committed = Files.readString(CDS.resolve("training-plan.json"));
    if (!committed.strip().equals(expected.strip())) {
      Path fresh = Path.of("target", "cds-training-plan.json");
      Files.writeString(fresh, expected);
      throw new AssertionError(
          "runtime-image/cds/training-plan.json is stale (the image build would run an outdated"
              + " plan); copy "
              + fresh.toAbsolutePath()
              + " over it");
    }
  }
}

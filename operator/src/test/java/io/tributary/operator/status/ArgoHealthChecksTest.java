package io.tributary.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.ComputePoolStatus;
import io.tributary.operator.api.DataPipelineSpec;
import io.tributary.operator.api.DataPipelineStatus;
import io.tributary.operator.api.PipelinePhase;
import io.tributary.operator.api.RunRecord;
import io.tributary.operator.api.StreamJobSpec;
import io.tributary.operator.api.StreamJobStatus;
import io.tributary.operator.api.TransformSetSpec;
import io.tributary.operator.api.TransformSetStatus;
import io.tributary.operator.schedule.RunIds;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Argo CD health checks (argocd/resource_customizations) are Lua reading the status this
 * operator writes; nothing but this test ties the two. Every condition type, reason, phase, trigger
 * and status field a check compares with must be one the operator writes, so renaming a reason
 * fails the build here instead of quietly turning a health check wrong in Argo CD. What the checks
 * conclude is tested by their own cases (argocd/health-test, run by ./test.sh).
 */
class ArgoHealthChecksTest {
  private static final Path CHECKS = Path.of("../argocd/resource_customizations/tributary.io");

  private static final Pattern CONDITION_TYPE = Pattern.compile("c\\[\"(\\w+)\"\\]");
  private static final Pattern REASON = Pattern.compile("\\.reason == \"(\\w+)\"");
  private static final Pattern REFUSED_REASON =
      Pattern.compile("^\\s+(\\w+) = true,?$", Pattern.MULTILINE);
  private static final Pattern PHASE = Pattern.compile("\\.phase == \"(\\w+)\"");
  private static final Pattern TRIGGER = Pattern.compile("\\.trigger == \"(\\w+)\"");
  private static final Pattern STATUS_FIELD = Pattern.compile("\\bstatus\\.(\\w+)");
  private static final Pattern RUN_FIELD = Pattern.compile("\\brun\\.(\\w+)");
  private static final Pattern SPEC_FIELD = Pattern.compile("obj\\.spec\\.(\\w+)");

  @ParameterizedTest
  @ValueSource(strings = {"DataPipeline", "StreamJob", "ComputePool", "TransformSet"})
  void everyNameACheckComparesWithIsOneTheOperatorWrites(String kind) throws IOException {
    String lua = Files.readString(CHECKS.resolve(kind).resolve("health.lua"));

    assertThat(found(CONDITION_TYPE, lua))
        .isNotEmpty()
        .isSubsetOf(
            Conditions.READY,
            Conditions.PROGRESSING,
            Conditions.DEGRADED,
            Conditions.SCALING,
            Conditions.AT_MAXIMUM);
    Set<String> reasons = found(REASON, lua);
    reasons.addAll(found(REFUSED_REASON, lua));
    assertThat(reasons)
        .isSubsetOf(
            Arrays.stream(Conditions.Reason.values()).map(Enum::name).collect(Collectors.toSet()));
    assertThat(found(PHASE, lua))
        .isSubsetOf(
            Arrays.stream(PipelinePhase.values())
                .map(PipelinePhase::toString)
                .collect(Collectors.toSet()));
    assertThat(found(TRIGGER, lua))
        .isSubsetOf(
            RunIds.TRIGGER_SPEC,
            RunIds.TRIGGER_SCHEDULE,
            RunIds.TRIGGER_RUN_NOW,
            RunIds.TRIGGER_DEPENDS_ON);
    Class<?>[] specAndStatus = types(kind);
    assertThat(found(SPEC_FIELD, lua)).isSubsetOf(components(specAndStatus[0]));
    assertThat(found(STATUS_FIELD, lua)).isNotEmpty().isSubsetOf(components(specAndStatus[1]));
    assertThat(found(RUN_FIELD, lua)).isSubsetOf(components(RunRecord.class));
  }

  /** The spec and status records of a kind. */
  private static Class<?>[] types(String kind) {
    return switch (kind) {
      case "DataPipeline" -> new Class<?>[] {DataPipelineSpec.class, DataPipelineStatus.class};
      case "StreamJob" -> new Class<?>[] {StreamJobSpec.class, StreamJobStatus.class};
      case "ComputePool" -> new Class<?>[] {ComputePoolSpec.class, ComputePoolStatus.class};
      case "TransformSet" -> new Class<?>[] {TransformSetSpec.class, TransformSetStatus.class};
      default -> throw new IllegalArgumentException(kind);
    };
  }

  private static Set<String> components(Class<?> record) {
    return Arrays.stream(record.getRecordComponents())
        .map(RecordComponent::getName)
        .collect(Collectors.toSet());
  }

  private static Set<String> found(Pattern p, String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = p.matcher(text);
    while (m.find()) out.add(m.group(1));
    return out;
  }
}

package io.tributary.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tributary.operator.policy.Enforcement;
import io.tributary.operator.policy.Enforcement.Verdict;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * An enforcement decision as an Event and one structured log line: the JSON log carries {@code
 * pipeline}, {@code rule}, {@code decision} and {@code reason} as key-value pairs, so a log
 * pipeline can select refusals without parsing messages.
 */
final class EnforcementReports {
  private static final Logger LOG = LoggerFactory.getLogger("io.tributary.enforcement");

  private EnforcementReports() {}

  static void report(EventRecorder events, HasMetadata about, Optional<Enforcement.Decision> d) {
    d.ifPresent(decision -> report(events, about, decision));
  }

  static void report(EventRecorder events, HasMetadata about, Enforcement.Decision d) {
    String pipeline =
        about.getKind()
            + " "
            + about.getMetadata().getNamespace()
            + "/"
            + about.getMetadata().getName();
    LoggingEventBuilder line = d.verdict() == Verdict.ADMIT ? LOG.atInfo() : LOG.atWarn();
    line.addKeyValue("pipeline", pipeline)
        .addKeyValue("rule", d.rule())
        .addKeyValue("decision", d.verdict().word())
        .addKeyValue("reason", d.message())
        .log("{} {}: {} ({})", d.verdict().word(), pipeline, d.message(), d.rule());
    if (d.verdict() == Verdict.ADMIT) events.normal(about, "Admitted", d.message());
    else events.warning(about, d.rule(), d.message());
  }
}

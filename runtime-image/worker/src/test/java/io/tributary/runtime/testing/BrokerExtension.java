package io.tributary.runtime.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real KRaft broker for the tests of a class: {@code @RegisterExtension static final
 * BrokerExtension KAFKA = new BrokerExtension();}.
 */
public final class BrokerExtension implements BeforeAllCallback, AfterAllCallback {
  private KafkaBroker broker;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    broker = KafkaBroker.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (broker != null) broker.close();
  }

  public KafkaBroker broker() {
    if (broker == null) throw new IllegalStateException("the broker starts before the tests");
    return broker;
  }
}

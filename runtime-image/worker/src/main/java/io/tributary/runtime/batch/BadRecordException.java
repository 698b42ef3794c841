package io.tributary.runtime.batch;

/**
 * One record cannot be processed (unparseable, wrong type for the sink's column, missing entity
 * key). The run goes on: the record is counted and dead-lettered with this reason.
 */
public class BadRecordException extends Exception {
  private final String step;

  public BadRecordException(String step, String reason) {
    super(reason, null, false, false);
    this.step = step;
  }

  public String step() {
    return step;
  }
}

package io.tributary.operator.schema;

/** A violation; blocking ones stop the API server from evaluating CEL rules. */
record Violation(String path, String message, boolean blocking) {
  static Violation of(String path, String message, boolean blocking) {
    return new Violation(path, message, blocking);
  }

  String text() {
    return path + ": " + message;
  }
}

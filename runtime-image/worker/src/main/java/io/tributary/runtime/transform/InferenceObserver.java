package io.tributary.runtime.transform;

/**
 * Told what infer steps do, for the worker's metrics. Must be thread-safe: forks of a chain share
 * it.
 */
public interface InferenceObserver {
  InferenceObserver NONE =
      new InferenceObserver() {
        @Override
        public void loaded(String step, String provider) {}

        @Override
        public void batch(String step, String provider, int records, double seconds) {}
      };

  /** Step {@code step} loaded its model on execution provider {@code provider} (cpu, cuda). */
  void loaded(String step, String provider);

  /** One call of the model: {@code records} records in {@code seconds}. */
  void batch(String step, String provider, int records, double seconds);
}

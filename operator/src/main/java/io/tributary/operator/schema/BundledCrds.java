package io.tributary.operator.schema;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.DataEndpoint;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.TransformSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Validators for the CRDs the build generated and bundled into the operator jar as {@code
 * crds/<plural>.<group>-v1.yml}, the same files as {@code crds/} in the repository.
 */
public final class BundledCrds {
  private static final Map<String, CrdSchemaValidator> BY_KIND = load();

  private BundledCrds() {}

  private static Map<String, CrdSchemaValidator> load() {
    Map<String, CrdSchemaValidator> byKind = new LinkedHashMap<>();
    for (Class<? extends HasMetadata> type :
        List.of(
            DataPipeline.class,
            StreamJob.class,
            ComputePool.class,
            DataEndpoint.class,
            TransformSet.class)) {
      String resource =
          "crds/" + HasMetadata.getPlural(type) + "." + HasMetadata.getGroup(type) + "-v1.yml";
      try (InputStream in = BundledCrds.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException(
              resource + " is not on the classpath: the build bundles it (mvn process-classes)");
        }
        CrdSchemaValidator crd =
            CrdSchemaValidator.parse(
                resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        byKind.put(crd.kind(), crd);
      } catch (IOException e) {
        throw new UncheckedIOException(resource, e);
      }
    }
    return byKind;
  }

  /** The validator of one of our kinds, or empty for a kind we do not define. */
  public static Optional<CrdSchemaValidator> forKind(String kind) {
    return Optional.ofNullable(BY_KIND.get(kind));
  }
}

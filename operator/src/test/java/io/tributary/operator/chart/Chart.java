package io.tributary.operator.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** `helm template` of charts/tributary as the tests install it: release tributary. */
final class Chart {
  static final Path DIR = Path.of("../charts/tributary");
  static final String RELEASE_NAMESPACE = "tributary-system";

  private Chart() {}

  /** The rendered chart with {@code --set key=value} for each entry (in order). */
  static String template(Map<String, Object> sets) {
    TemplateCommand command =
        new Helm(DIR)
            .template()
            .withName("tributary")
            .withNamespace(RELEASE_NAMESPACE)
            .withKubeVersion("v1.34.0");
    sets.forEach(command::set);
    return command.call();
  }

  static List<HasMetadata> objects(String rendered) {
    return Serialization.unmarshal(rendered);
  }

  static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
    List<T> found = all(objects, type);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + ", got " + found.size());
    }
    return found.get(0);
  }
}

package io.tributary.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A PersistentVolumeClaim in the pipeline's namespace, mounted into the worker at {@code
 * mountPath}: a shared file system (NFS, CephFS, a cloud file share) that a lake sink writes to or
 * a files source reads from. Paths under the mount are then plain local paths.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!(self.mountPath == '/tmp' || self.mountPath.startsWith('/tmp/') ||"
            + " self.mountPath.startsWith('/etc/tributary'))",
    fieldPath = ".mountPath",
    message =
        "volume.mountPath: /tmp and /etc/tributary are the worker's own; mount the claim"
            + " elsewhere, e.g. /lake")
public record VolumeClaim(
    @Required
        @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
        @Size(max = 253)
        @JsonPropertyDescription(
            "Name of a PersistentVolumeClaim in the pipeline's namespace (ReadWriteMany when"
                + " several workers or pipelines share it).")
        String claimName,
    @Required
        @Pattern("^/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
        @Size(max = 1024)
        @JsonPropertyDescription(
            "Where the claim is mounted in the worker, e.g. /lake; the path must lie under it.")
        String mountPath) {

  /** Whether {@code path} lies under this mount. */
  public boolean contains(String path) {
    return path != null && (path.equals(mountPath) || path.startsWith(mountPath + "/"));
  }
}

package io.tributary.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * Every PersistentVolumeClaim a pipeline mounts: the files source's (read-only) and the lake sink's
 * (read-write). The operator mounts exactly these into the worker.
 */
public final class Volumes {
  private Volumes() {}

  /** A claim at a mount path, and whether the worker only reads it. */
  public record Mount(VolumeClaim claim, boolean readOnly) {}

  /**
   * The mounts, distinct by mount path; one claim used by both source and sink at the same path is
   * mounted once, read-write.
   */
  public static List<Mount> collect(SourceSpec source, SinkSpec sink) {
    List<Mount> out = new ArrayList<>();
    if (sink != null && sink.lake() != null && sink.lake().volume() != null) {
      out.add(new Mount(sink.lake().volume(), false));
    }
    if (source != null && source.files() != null && source.files().volume() != null) {
      VolumeClaim c = source.files().volume();
      if (out.stream().noneMatch(m -> m.claim().equals(c))) out.add(new Mount(c, true));
    }
    return out;
  }
}

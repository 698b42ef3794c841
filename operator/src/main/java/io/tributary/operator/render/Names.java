package io.tributary.operator.render;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic names of the objects a pipeline owns. */
public final class Names {
  private static final int MAX = 63;

  private Names() {}

  public static String plan(String pipeline) {
    return fit(pipeline + "-plan");
  }

  public static String worker(String pipeline) {
    return fit(pipeline + "-worker");
  }

  /** What all runs of a DataPipeline share, e.g. their NetworkPolicy. */
  public static String runs(String pipeline) {
    return fit(pipeline + "-runs");
  }

  /** The plan ConfigMap of one attempt of one run: the Job's name, suffixed. */
  public static String runPlan(String jobName) {
    return jobName + "-plan";
  }

  /** The Job of one attempt of one run, e.g. {@code orders-s202611250200-1}. */
  public static String job(String pipeline, String runId, int attempt) {
    return fit(pipeline + "-" + runId + "-" + attempt);
  }

  /** Cuts a name to 63 characters, keeping it unique with a short hash of the whole. */
  static String fit(String name) {
    if (name.length() <= MAX) return name;
    String hash = sha256(name).substring(0, 8);
    String head = name.substring(0, MAX - 9).replaceAll("-+$", "");
    return head + "-" + hash;
  }

  public static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}

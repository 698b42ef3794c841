package io.tributary.operator.render;

import io.tributary.operator.api.TransformSetSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.plan.PlanProblem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts the steps of the TransformSets a pipeline names in place of the references, before the plan
 * compiler sees the chain: field flow, CEL, personal data and secrets are then checked on the chain
 * the workers run. A step of set {@code S} is named {@code S/<its step name>} in the plan, so
 * metrics, dead letters and lineage say where it came from; the pipeline's own steps keep the
 * default names of their place in the spec ({@code <kind>-<index>}), so a set that grows renames
 * none of them. The compiler's problems, which name places in the inlined chain, are named back as
 * places in the pipeline's spec and in the set. Pure.
 */
public final class TransformSets {
  private static final Pattern STEP_PATH = Pattern.compile("^transforms\\[(\\d+)\\](.*)$");
  private static final Pattern SPEC_STEP_PATH =
      Pattern.compile("^spec\\.transforms\\[(\\d+)\\](.*)$");

  private TransformSets() {}

  /**
   * Where an inlined step comes from.
   *
   * @param entry the index in the pipeline's spec.transforms
   * @param set the TransformSet the step is a step of, or null for the pipeline's own step
   * @param step the index in the set's spec.transforms (0 for the pipeline's own step)
   */
  public record Origin(int entry, String set, int step) {}

  /**
   * The chain with the references replaced.
   *
   * @param steps what the plan compiler gets; a reference to a set not in the map stays, and the
   *     compiler refuses it
   * @param origins one per step
   */
  public record Inlined(List<TransformSpec> steps, List<Origin> origins) {

    /** The compiler's problems, their paths named as places in the spec and in the sets. */
    public List<PlanProblem> inSpecTerms(List<PlanProblem> problems) {
      return problems.stream().map(this::inSpecTerms).toList();
    }

    /**
     * A field of the inlined chain ({@code spec.transforms[i]...}, as the endpoint catalog names
     * the plan's fields) as a place in the spec: the pipeline's own step keeps its field at its
     * index in the spec; a set's step is the entry naming the set, then {@code ": TransformSet S
     * spec.transforms[j]..."}, as {@link #inSpecTerms(List)} names the compiler's problems. Other
     * fields are returned as they are.
     */
    public String fieldInSpecTerms(String field) {
      Matcher m = SPEC_STEP_PATH.matcher(field);
      if (!m.matches()) return field;
      int i = Integer.parseInt(m.group(1));
      if (i >= origins.size()) return field;
      Origin o = origins.get(i);
      String entry = "spec.transforms[" + o.entry() + "]";
      if (o.set() == null) return entry + m.group(2);
      return entry
          + ": TransformSet "
          + o.set()
          + " spec.transforms["
          + o.step()
          + "]"
          + m.group(2);
    }

    private PlanProblem inSpecTerms(PlanProblem p) {
      Matcher m = STEP_PATH.matcher(p.path());
      if (!m.matches()) return p;
      int i = Integer.parseInt(m.group(1));
      if (i >= origins.size()) return p;
      Origin o = origins.get(i);
      String entry = "transforms[" + o.entry() + "]";
      if (o.set() == null) return new PlanProblem(entry + m.group(2), p.message(), p.kind());
      return new PlanProblem(
          entry,
          "TransformSet "
              + o.set()
              + " spec.transforms["
              + o.step()
              + "]"
              + m.group(2)
              + ": "
              + p.message(),
          p.kind());
    }
  }

  /**
   * {@code transforms} with each reference to a set of {@code sets} replaced by the set's steps.
   *
   * @param sets the sets of the pipeline's namespace that it names, by name
   */
  public static Inlined inline(List<TransformSpec> transforms, Map<String, TransformSetSpec> sets) {
    List<TransformSpec> steps = new ArrayList<>();
    List<Origin> origins = new ArrayList<>();
    if (transforms == null) return new Inlined(steps, origins);
    for (int k = 0; k < transforms.size(); k++) {
      TransformSpec t = transforms.get(k);
      TransformSetSpec set = t == null || t.transformSet() == null ? null : sets.get(name(t));
      if (set == null || set.transforms() == null) {
        // Named after its place in the spec, not in the chain: a set growing renames nothing.
        steps.add(t == null || t.transformSet() != null ? t : t.withName(t.stepName(k)));
        origins.add(new Origin(k, null, 0));
        continue;
      }
      for (int j = 0; j < set.transforms().size(); j++) {
        TransformSpec s = set.transforms().get(j);
        steps.add(s == null ? null : s.withName(name(t) + "/" + s.stepName(j)));
        origins.add(new Origin(k, name(t), j));
      }
    }
    return new Inlined(Collections.unmodifiableList(steps), List.copyOf(origins));
  }

  /** The names of the sets {@code transforms} refer to, in order, each once. */
  public static Set<String> referenced(List<TransformSpec> transforms) {
    Set<String> names = new LinkedHashSet<>();
    if (transforms == null) return names;
    for (TransformSpec t : transforms) {
      if (t != null && t.transformSet() != null) names.add(name(t));
    }
    return names;
  }

  /**
   * The first reference to a set that is not in {@code sets}, as a problem message that names the
   * field and the fix, or null when every set is there.
   */
  public static String missing(
      List<TransformSpec> transforms, Map<String, TransformSetSpec> sets, String namespace) {
    if (transforms == null) return null;
    for (int k = 0; k < transforms.size(); k++) {
      TransformSpec t = transforms.get(k);
      if (t == null || t.transformSet() == null || sets.containsKey(name(t))) continue;
      return "spec.transforms["
          + k
          + "].transformSet.name: TransformSet "
          + name(t)
          + " does not exist in namespace "
          + namespace
          + "; create it (kubectl get transformsets -n "
          + namespace
          + " lists those there) or fix the name";
    }
    return null;
  }

  /**
   * The revision of a set: a short hash of its steps as the API server stores them. The description
   * is not part of it, since it changes nothing a worker does.
   */
  public static String revision(TransformSetSpec spec) {
    List<TransformSpec> steps = spec == null ? null : spec.transforms();
    return Names.sha256(PlanJson.write(steps == null ? List.of() : steps)).substring(0, 12);
  }

  private static String name(TransformSpec t) {
    return t.transformSet().name();
  }
}

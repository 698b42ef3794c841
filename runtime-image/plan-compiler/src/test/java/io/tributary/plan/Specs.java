package io.tributary.plan;

import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.transform.AggregateTransform;
import io.tributary.pipeline.transform.DeriveTransform;
import io.tributary.pipeline.transform.FilterTransform;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.pipeline.transform.NormalizeTransform;
import io.tributary.pipeline.transform.ValidateTransform;
import java.util.ArrayList;
import java.util.List;

/** Short builders of spec pieces for tables. */
final class Specs {
  private Specs() {}

  /**
   * A schema from "name:type" pairs, each optionally classified by a third part ({@code personal},
   * {@code sensitive}, or {@code pii} for {@code pii: true}), e.g. {@code schema("amount:number",
   * "email:string:personal")}.
   */
  static SchemaSpec schema(String... fields) {
    List<SchemaSpec.Field> list = new ArrayList<>();
    for (String f : fields) {
      String[] p = f.split(":");
      SchemaSpec.Field field =
          SchemaSpec.Field.of(p[0], SchemaSpec.Type.valueOf(p[1].toUpperCase()));
      if (p.length > 2) {
        field =
            p[2].equals("pii")
                ? field.asPii()
                : field.classified(SchemaSpec.Classification.valueOf(p[2].toUpperCase()));
      }
      list.add(field);
    }
    return new SchemaSpec(list, null);
  }

  static TransformSpec validate() {
    return TransformSpec.of(new ValidateTransform(null));
  }

  static TransformSpec filter(String expression) {
    return TransformSpec.of(new FilterTransform(expression));
  }

  /** A derive from "name=expression" pairs. */
  static TransformSpec derive(String... fields) {
    return TransformSpec.of(new DeriveTransform(computed(fields)));
  }

  /** A map (projection) from "name=expression" pairs. */
  static TransformSpec map(String... fields) {
    return TransformSpec.map(new DeriveTransform(computed(fields)));
  }

  static List<DeriveTransform.Field> computed(String... fields) {
    List<DeriveTransform.Field> list = new ArrayList<>();
    for (String f : fields) {
      int eq = f.indexOf('=');
      list.add(new DeriveTransform.Field(f.substring(0, eq), f.substring(eq + 1)));
    }
    return list;
  }

  static TransformSpec mask(String field, MaskTransform.Method method) {
    SecretKeyRef key = new SecretKeyRef("mask-key", "key");
    return TransformSpec.of(
        new MaskTransform(key, List.of(new MaskTransform.Field(field, method, 4, null, null))));
  }

  /** One mask step masking several fields, e.g. {@code masks("email=HMAC", "ssn=DROP")}. */
  static TransformSpec masks(String... fields) {
    List<MaskTransform.Field> list = new ArrayList<>();
    for (String f : fields) {
      int eq = f.indexOf('=');
      list.add(
          new MaskTransform.Field(
              f.substring(0, eq),
              MaskTransform.Method.valueOf(f.substring(eq + 1)),
              4,
              null,
              null));
    }
    return TransformSpec.of(new MaskTransform(new SecretKeyRef("mask-key", "key"), list));
  }

  static TransformSpec normalizeNumber(String field) {
    return TransformSpec.of(
        new NormalizeTransform(List.of(NormalizeTransform.Rule.of(field).withNumber(true))));
  }

  /** Sum of {@code field} as {@code sum}, and a count as {@code n}, by {@code key}. */
  static TransformSpec aggregate(String key, String field) {
    return TransformSpec.of(
        new AggregateTransform(
            List.of(key),
            "1m",
            null,
            List.of(
                new AggregateTransform.Aggregation(AggregateTransform.Function.SUM, field, "sum"),
                new AggregateTransform.Aggregation(AggregateTransform.Function.COUNT, null, "n"))));
  }

  /** An infer step of a model in ConfigMap {@code models}, scoring {@code fields} into score. */
  static TransformSpec infer(String... fields) {
    return TransformSpec.of(
        new io.tributary.pipeline.transform.InferTransform(
            io.tributary.pipeline.transform.InferTransform.Model.configMap("models", "m.onnx"),
            List.of(new io.tributary.pipeline.transform.InferTransform.Input("x", List.of(fields))),
            List.of(new io.tributary.pipeline.transform.InferTransform.Output("y", "score")),
            null,
            null,
            null));
  }
}

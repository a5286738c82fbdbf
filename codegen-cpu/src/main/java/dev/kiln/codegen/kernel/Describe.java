package dev.kiln.codegen.kernel;

import dev.kiln.compiler.ir.Node;
import dev.kiln.dsl.DType;
import java.util.StringJoiner;

/** How generated code of every backend names a graph node in its comments. */
public final class Describe {
  private Describe() {}

  /**
   * {@code logits/MatMul: MatMul(examples, weights) -> f32[batch, 10]}, followed by the source
   * position the front end recorded, so a reader can go from a kernel back to the model's line.
   */
  public static String node(Node n) {
    StringJoiner args = new StringJoiner(", ", n.op().name() + "(", ")");
    n.inputs().forEach(in -> args.add(in.name()));
    StringJoiner attrs = new StringJoiner(", ", "{", "}").setEmptyValue("");
    n.attrs().asMap().forEach((key, v) -> {
      if (Boolean.FALSE.equals(v) || key.equals("from")) {
        return;
      }
      attrs.add(key + "=" + formatAttr(v));
    });
    String from = n.origin() == null ? "" : "  (from " + n.origin() + ")";
    return n.name() + ": " + args + attrs + " -> " + n.type() + from;
  }

  private static String formatAttr(Object v) {
    return switch (v) {
      case int[] a -> java.util.Arrays.toString(a);
      case double[] a -> a.length > 8 ? "double[" + a.length + "]" : java.util.Arrays.toString(a);
      case DType t -> t.label();
      default -> String.valueOf(v);
    };
  }
}

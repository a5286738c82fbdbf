package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpDef;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.dsl.DType;
import java.util.List;

/**
 * An op combining two tensors of one dtype element by element, with broadcasting. Arithmetic ops
 * return the operands' dtype; comparisons return BOOL.
 */
abstract class BinaryElementwise implements OpDef {
  private final String name;

  BinaryElementwise(String name) {
    this.name = name;
  }

  /** Reference semantics of one pair of elements. */
  abstract double apply(double a, double b);

  /**
   * Gradients for (a, b) before unbroadcasting: each shaped like the result, or null when none
   * flows. {@code out} is the node itself.
   */
  abstract Node[] gradient(GraphBuilder b, Node x, Node y, Node out, Node dOut);

  /** The result dtype for operands of {@code operands}; comparisons override this with BOOL. */
  DType resultType(DType operands) {
    return operands;
  }

  /** Whether BOOL operands are accepted: true for comparisons, false for arithmetic. */
  boolean acceptsBool() {
    return false;
  }

  /** The op as the user writes it, in diagnostics: {@code add}, {@code notEqual}. */
  String userName() {
    return OpSupport.userName(name);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final OpKind kind() {
    return OpKind.ELEMENTWISE;
  }

  @Override
  public final TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType a = inputs.get(0);
    TensorType b = inputs.get(1);
    String op = userName();
    if (a.dtype() != b.dtype()) {
      throw new ShapeError(op + ": operands have different dtypes, " + a + " and " + b
          + "; cast one of them");
    }
    if (a.dtype() == DType.BOOL && !acceptsBool()) {
      throw new ShapeError(op + ": expects numeric operands, got " + a + " and " + b);
    }
    return new TensorType(resultType(a.dtype()), Broadcasting.shape(op, a.shape(), b.shape()));
  }

  @Override
  public final List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    Node x = node.input(0);
    Node y = node.input(1);
    Node[] g = gradient(b, x, y, node, dOut);
    return java.util.Arrays.asList(
        g[0] == null ? null : Broadcasting.unbroadcast(b, g[0], x),
        g[1] == null ? null : Broadcasting.unbroadcast(b, g[1], y));
  }

  @Override
  public final Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value a = inputs.get(0);
    return Broadcasting.apply(resultType(a.dtype()), a, inputs.get(1), this::apply);
  }
}

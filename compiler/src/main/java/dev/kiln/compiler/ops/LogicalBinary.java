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
import java.util.Arrays;
import java.util.List;

/** A boolean connective of two BOOL tensors, with broadcasting; no gradient flows. */
abstract class LogicalBinary implements OpDef {
  private final String name;

  LogicalBinary(String name) {
    this.name = name;
  }

  abstract boolean apply(boolean a, boolean b);

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
    String op = OpSupport.userName(name);
    TensorType a = inputs.get(0);
    TensorType b = inputs.get(1);
    if (a.dtype() != DType.BOOL || b.dtype() != DType.BOOL) {
      throw new ShapeError(op + ": expects two bool tensors, got " + a + " and " + b);
    }
    return new TensorType(DType.BOOL, Broadcasting.shape(op, a.shape(), b.shape()));
  }

  @Override
  public final List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return Arrays.asList(null, null);
  }

  @Override
  public final Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    return Broadcasting.apply(DType.BOOL, inputs.get(0), inputs.get(1),
        (x, y) -> apply(x != 0, y != 0) ? 1 : 0);
  }
}

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

/** {@code !x} on a BOOL tensor; no gradient flows. */
final class LogicalNot implements OpDef {
  @Override
  public String name() {
    return "LogicalNot";
  }

  @Override
  public OpKind kind() {
    return OpKind.ELEMENTWISE;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType x = inputs.get(0);
    if (x.dtype() != DType.BOOL) {
      throw new ShapeError("logicalNot: expects a bool tensor, got " + x);
    }
    return x;
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return Arrays.asList((Node) null);
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    return new Value(DType.BOOL, x.shape(), Arrays.stream(x.data()).map(v -> v != 0 ? 0 : 1).toArray());
  }
}

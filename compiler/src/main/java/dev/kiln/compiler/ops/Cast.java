package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpDef;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.dsl.DType;
import java.util.Arrays;
import java.util.List;

/**
 * Converts every element to the attribute {@code dtype}: floating to integer truncates toward
 * zero (out-of-range values follow Java's narrowing conversions; NaN becomes 0), anything to BOOL
 * is {@code x != 0}, BOOL to numbers is 0 or 1. A gradient flows only from floating to floating.
 */
final class Cast implements OpDef {
  @Override
  public String name() {
    return "Cast";
  }

  @Override
  public OpKind kind() {
    return OpKind.ELEMENTWISE;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    return new TensorType(attrs.<DType>get("dtype"), inputs.get(0).shape());
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    DType from = node.input(0).type().dtype();
    DType to = node.type().dtype();
    if (!from.isFloating() || !to.isFloating()) {
      return Arrays.asList((Node) null);
    }
    return List.of(from == to ? dOut : Emit.cast(b, dOut, from));
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    return new Value(attrs.get("dtype"), x.shape(), x.data());
  }
}

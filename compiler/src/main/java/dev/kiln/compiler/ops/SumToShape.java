package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpDef;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.ir.TensorType;
import java.util.Arrays;
import java.util.List;

/**
 * Inputs {@code (x, like)}: x summed down to like's shape, the reverse of NumPy broadcasting —
 * leading axes that like lacks and axes where like has 1 and x does not are summed. like must
 * broadcast to exactly x's shape; only its shape is read. Accepts integer tensors too.
 */
final class SumToShape implements OpDef {
  @Override
  public String name() {
    return "SumToShape";
  }

  @Override
  public OpKind kind() {
    return OpKind.REDUCTION;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType x = inputs.get(0);
    TensorType like = inputs.get(1);
    OpSupport.requireNumeric("sumToShape", x);
    Shape broadcast = null;
    if (like.rank() <= x.rank()) {
      try {
        broadcast = Broadcasting.shape("sumToShape", like.shape(), x.shape());
      } catch (ShapeError e) {
        // reported below, in terms of this op
      }
    }
    if (broadcast == null || !broadcast.equals(x.shape())) {
      throw new ShapeError("sumToShape: cannot sum shape " + x.shape() + " down to shape "
          + like.shape() + " because the latter does not broadcast to the former");
    }
    return new TensorType(x.dtype(), like.shape());
  }

  /** To x: dOut broadcast back to x's shape; nothing to {@code like}. */
  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return Arrays.asList(Emit.broadcastLike(b, dOut, node.input(0)), null);
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    int[] target = inputs.get(1).shape();
    int[] src = Broadcasting.sourceIndex(target, x.shape());
    double[] out = new double[Value.sizeOf(target)];
    for (int i = 0; i < src.length; i++) {
      out[src[i]] += x.get(i);
    }
    return new Value(x.dtype(), target, out);
  }
}

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
import java.util.Arrays;
import java.util.List;

/**
 * Inputs {@code (g, like)}: zeros of like's shape (and g's dtype) with g written at the attribute
 * {@code begin}: the adjoint of {@link Slice}, and how a slice's gradient reaches its input. Only
 * like's shape is read.
 */
final class Unslice implements OpDef {
  @Override
  public String name() {
    return "Unslice";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType g = inputs.get(0);
    TensorType like = inputs.get(1);
    int[] begin = attrs.getInts("begin");
    if (like.rank() != g.rank()
        || !Slice.outShape("unslice", like.shape(), begin, sizes(g, begin.length)).equals(g.shape())) {
      throw new ShapeError("unslice: cannot place shape " + g.shape() + " at "
          + Arrays.toString(begin) + " in shape " + like.shape());
    }
    return new TensorType(g.dtype(), like.shape());
  }

  /** The slice sizes that recover g: static dims as they are, symbolic ones whole (-1). */
  static int[] sizes(TensorType g, int rank) {
    int[] size = new int[rank];
    for (int d = 0; d < rank; d++) {
      size[d] = d < g.rank() && g.shape().dim(d).isStatic() ? (int) g.shape().dim(d).size() : -1;
    }
    return size;
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    Node g = node.input(0);
    int[] begin = node.attrs().getInts("begin");
    return Arrays.asList(Emit.slice(b, dOut, begin, sizes(g.type(), begin.length)), null);
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value g = inputs.get(0);
    int[] shape = inputs.get(1).shape();
    int[] dst = Slice.blockIndex(shape, g.shape(), attrs.getInts("begin"));
    double[] out = new double[Value.sizeOf(shape)];
    for (int i = 0; i < dst.length; i++) {
      out[dst[i]] = g.get(i);
    }
    return new Value(g.dtype(), shape, out);
  }

  /** Moves data without arithmetic, so f16/bf16 pass through (see OpDef). */
  @Override
  public boolean acceptsStorageTypes() {
    return true;
  }
}

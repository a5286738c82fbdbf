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
 * Inputs {@code (updates, indices, like)}: zeros of like's shape {@code [V, D...]} (and updates'
 * dtype) into which each row of updates {@code [indices..., D...]} is ADDED at row
 * {@code indices[i]}, so that repeated indices accumulate (TensorFlow's
 * {@code unsorted_segment_sum}). The adjoint of {@link Gather}; only like's shape is read.
 */
final class ScatterAdd implements OpDef {
  @Override
  public String name() {
    return "ScatterAdd";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType updates = inputs.get(0);
    TensorType indices = inputs.get(1);
    TensorType like = inputs.get(2);
    OpSupport.requireNumeric("scatterAdd", updates);
    var expected = Gather.outShape("scatterAdd", like, indices);
    if (!expected.equals(updates.shape())) {
      throw new ShapeError("scatterAdd: updates of shape " + updates.shape() + " do not match indices "
          + indices.shape() + " into a table of shape " + like.shape() + " (expected " + expected + ")");
    }
    return new TensorType(updates.dtype(), like.shape());
  }

  /** To updates: the rows of dOut they were added into; nothing to indices or like. */
  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return Arrays.asList(Emit.gather(b, dOut, node.input(1)), null, null);
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value updates = inputs.get(0);
    Value indices = inputs.get(1);
    int[] shape = inputs.get(2).shape();
    int rows = shape[0];
    double[] out = new double[Value.sizeOf(shape)];
    int row = rows == 0 ? 0 : out.length / rows;
    for (int i = 0; i < indices.size(); i++) {
      int r = Gather.checkIndex("scatterAdd", indices.get(i), rows);
      for (int j = 0; j < row; j++) {
        out[r * row + j] += updates.get(i * row + j);
      }
    }
    return new Value(updates.dtype(), shape, out);
  }
}

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
 * The gradient of {@link At}: inputs {@code (v, like, t)} give zeros of {@code like}'s type with
 * row {@code t} of the first axis set to {@code v}.
 */
final class ScatterAt implements OpDef {
  @Override
  public String name() {
    return "ScatterAt";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType v = inputs.get(0);
    TensorType like = inputs.get(1);
    if (like.rank() < 1 || v.dtype() != like.dtype()
        || !v.shape().dims().equals(like.shape().dims().subList(1, like.rank()))) {
      throw new ShapeError("scatterAt: cannot place " + v + " as a row of " + like);
    }
    return like;
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return Arrays.asList(ControlFlow.at(b, dOut, node.input(2)), null, null);
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value v = inputs.get(0);
    Value like = inputs.get(1);
    int t = (int) inputs.get(2).get(0);
    double[] data = new double[like.size()];
    System.arraycopy(v.data(), 0, data, t * v.size(), v.size());
    return new Value(like.dtype(), like.shape(), data);
  }

  /** Moves data without arithmetic, so f16/bf16 pass through (see OpDef). */
  @Override
  public boolean acceptsStorageTypes() {
    return true;
  }
}

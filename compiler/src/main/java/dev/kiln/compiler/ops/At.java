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
 * {@code x.at(t)}: the slice of {@code x} at run-time index {@code t} (an I32 scalar) of its first
 * axis, e.g. step t of a {@code [time, batch, features]} sequence or of a loop's tape.
 */
final class At implements OpDef {
  @Override
  public String name() {
    return "At";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType x = inputs.get(0);
    TensorType t = inputs.get(1);
    if (x.rank() < 1 || t.rank() != 0 || t.dtype() != dev.kiln.dsl.DType.I32) {
      throw new ShapeError("at: expects a tensor of rank at least 1 and an i32 scalar index, got "
          + x + " and " + t);
    }
    return new TensorType(x.dtype(), new Shape(x.shape().dims().subList(1, x.rank())));
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return Arrays.asList(ControlFlow.scatterAt(b, dOut, node.input(0), node.input(1)), null);
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    int t = (int) inputs.get(1).get(0);
    if (t < 0 || t >= x.dim(0)) {
      throw new IllegalArgumentException("at: index " + t + " is out of range for " + x.dim(0) + " rows");
    }
    int[] shape = Arrays.copyOfRange(x.shape(), 1, x.rank());
    int row = Value.sizeOf(shape);
    return new Value(x.dtype(), shape, Arrays.copyOfRange(x.data(), t * row, (t + 1) * row));
  }

  /** Moves data without arithmetic, so f16/bf16 pass through (see OpDef). */
  @Override
  public boolean acceptsStorageTypes() {
    return true;
  }
}

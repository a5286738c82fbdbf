package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpDef;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Inputs {@code (params, indices)}: rows of params picked by integer indices (an embedding
 * lookup). params is {@code [V, D...]}, indices an I32 or I64 tensor of any shape; the result is
 * {@code [indices..., D...]}. An index outside {@code [0, V)} is an error at run time. The
 * gradient to params is a {@link ScatterAdd}, which adds up the rows of repeated indices.
 */
final class Gather implements OpDef {
  @Override
  public String name() {
    return "Gather";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType params = inputs.get(0);
    TensorType indices = inputs.get(1);
    return new TensorType(params.dtype(), outShape("gather", params, indices));
  }

  static Shape outShape(String op, TensorType params, TensorType indices) {
    if (indices.dtype() != DType.I32 && indices.dtype() != DType.I64) {
      throw new ShapeError(op + ": expects i32 or i64 indices, got " + indices
          + "; cast them with cast(indices, I64)");
    }
    if (params.rank() == 0) {
      throw new ShapeError(op + ": expects a table with at least one axis, got the scalar " + params);
    }
    List<Dim> out = new ArrayList<>(indices.shape().dims());
    out.addAll(params.shape().dims().subList(1, params.rank()));
    return new Shape(out);
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return Arrays.asList(Emit.scatterAdd(b, dOut, node.input(1), node.input(0)), null);
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value params = inputs.get(0);
    Value indices = inputs.get(1);
    int rows = params.dim(0);
    int row = rows == 0 ? 0 : params.size() / rows;
    double[] out = new double[indices.size() * row];
    for (int i = 0; i < indices.size(); i++) {
      int r = checkIndex("gather", indices.get(i), rows);
      System.arraycopy(params.data(), r * row, out, i * row, row);
    }
    int[] shape = new int[indices.rank() + params.rank() - 1];
    System.arraycopy(indices.shape(), 0, shape, 0, indices.rank());
    System.arraycopy(params.shape(), 1, shape, indices.rank(), params.rank() - 1);
    return new Value(params.dtype(), shape, out);
  }

  static int checkIndex(String op, double index, int rows) {
    if (!(index >= 0 && index < rows)) {
      throw new IndexOutOfBoundsException(op + ": index " + (long) index
          + " is out of range for a table of " + rows + " rows");
    }
    return (int) index;
  }

  /** Moves data without arithmetic, so f16/bf16 pass through (see OpDef). */
  @Override
  public boolean acceptsStorageTypes() {
    return true;
  }
}

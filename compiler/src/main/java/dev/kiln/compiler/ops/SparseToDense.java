package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpDef;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.TensorType;
import java.util.Arrays;
import java.util.List;

/**
 * Inputs {@code (indices, values, shape)}: the COO sparse matrix of {@link SparseSupport} as a
 * dense {@code [rows, cols]} matrix, zeros where no value is given and the SUM of the values at a
 * repeated coordinate. The gradient to values is a {@link SparseGather} of dOut.
 */
final class SparseToDense implements OpDef {
  @Override
  public String name() {
    return "SparseToDense";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    Shape a = SparseSupport.denseShape("sparseToDense", inputs.get(0), inputs.get(2));
    SparseSupport.checkValues("sparseToDense", inputs.get(0), inputs.get(1));
    return new TensorType(inputs.get(1).dtype(), a);
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return Arrays.asList(null, Emit.sparseGather(b, node.input(0), node.input(2), dOut), null);
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value indices = inputs.get(0);
    Value values = inputs.get(1);
    int rows = inputs.get(2).dim(0);
    int cols = inputs.get(2).dim(1);
    double[] out = new double[rows * cols];
    for (int e = 0; e < values.size(); e++) {
      int i = SparseSupport.coord("sparseToDense", indices, e, 0, rows, cols);
      int j = SparseSupport.coord("sparseToDense", indices, e, 1, rows, cols);
      out[i * cols + j] += values.get(e);
    }
    return new Value(values.dtype(), new int[] {rows, cols}, out);
  }
}

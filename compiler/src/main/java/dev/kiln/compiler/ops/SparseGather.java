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
 * Inputs {@code (indices, shape, dense)}: for each nonzero coordinate (i, j) of a COO sparse
 * matrix, {@code dense[i, j]}; {@code [nnz]}. The adjoint of {@link SparseToDense} (its values'
 * gradient), whose gradient in turn is a {@link SparseToDense}.
 */
final class SparseGather implements OpDef {
  @Override
  public String name() {
    return "SparseGather";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    Shape a = SparseSupport.denseShape("sparseGather", inputs.get(0), inputs.get(1));
    TensorType dense = inputs.get(2);
    if (!dense.shape().equals(a) || !dense.dtype().isFloating()) {
      throw new ShapeError("sparseGather: expects a floating-point dense matrix of the sparse shape "
          + a + ", got " + dense);
    }
    return new TensorType(dense.dtype(), Shape.of(inputs.get(0).shape().dim(0)));
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return Arrays.asList(null, null, Emit.sparseToDense(b, node.input(0), dOut, node.input(1)));
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value indices = inputs.get(0);
    Value dense = inputs.get(2);
    int rows = dense.dim(0);
    int cols = dense.dim(1);
    int nnz = indices.dim(0);
    double[] out = new double[nnz];
    for (int e = 0; e < nnz; e++) {
      int i = SparseSupport.coord("sparseGather", indices, e, 0, rows, cols);
      int j = SparseSupport.coord("sparseGather", indices, e, 1, rows, cols);
      out[e] = dense.get(i * cols + j);
    }
    return new Value(dense.dtype(), new int[] {nnz}, out);
  }
}

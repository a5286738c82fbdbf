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
import java.util.Arrays;
import java.util.List;

/**
 * Inputs {@code (indices, shape, g, dense)}: the gradient of {@link SparseMatMul} with respect to
 * its values. For nonzero e at (i, j): {@code sum_k g[i, k] * dense[j, k]}, or with
 * {@code adjointA} {@code sum_k g[j, k] * dense[i, k]}; {@code [nnz]}. Linear in g and dense, so
 * its own gradients are sparse products again.
 */
final class SparseMatMulValuesGrad implements OpDef {
  @Override
  public String name() {
    return "SparseMatMulValuesGrad";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType indices = inputs.get(0);
    TensorType g = inputs.get(2);
    TensorType dense = inputs.get(3);
    boolean adjoint = attrs.getBool("adjointA");
    Shape a = SparseSupport.denseShape("sparseMatmulValuesGrad", indices, inputs.get(1));
    Dim m = a.dim(adjoint ? 1 : 0);
    Dim k = a.dim(adjoint ? 0 : 1);
    if (g.rank() != 2 || dense.rank() != 2 || !g.dtype().isFloating() || g.dtype() != dense.dtype()
        || !g.shape().dim(0).equals(m) || !dense.shape().dim(0).equals(k)
        || !g.shape().dim(1).equals(dense.shape().dim(1))) {
      throw new ShapeError("sparseMatmulValuesGrad: for " + SparseSupport.describe(a, adjoint)
          + " expects a gradient [" + m + ", n] and a dense [" + k + ", n] of one floating dtype, got "
          + g + " and " + dense);
    }
    return new TensorType(g.dtype(), Shape.of(indices.shape().dim(0)));
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    boolean adjoint = node.attrs().getBool("adjointA");
    Node indices = node.input(0);
    Node shape = node.input(1);
    Node dG = Emit.sparseMatmul(b, indices, dOut, shape, node.input(3), adjoint);
    Node dDense = Emit.sparseMatmul(b, indices, dOut, shape, node.input(2), !adjoint);
    return Arrays.asList(null, null, dG, dDense);
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value indices = inputs.get(0);
    int rows = inputs.get(1).dim(0);
    int cols = inputs.get(1).dim(1);
    Value g = inputs.get(2);
    Value dense = inputs.get(3);
    boolean adjoint = attrs.getBool("adjointA");
    int n = dense.dim(1);
    int nnz = indices.dim(0);
    double[] out = new double[nnz];
    for (int e = 0; e < nnz; e++) {
      int i = SparseSupport.coord("sparseMatmul", indices, e, adjoint ? 1 : 0, rows, cols);
      int j = SparseSupport.coord("sparseMatmul", indices, e, adjoint ? 0 : 1, rows, cols);
      double s = 0;
      for (int k = 0; k < n; k++) {
        s += g.get(i * n + k) * dense.get(j * n + k);
      }
      out[e] = s;
    }
    return new Value(g.dtype(), new int[] {nnz}, out);
  }
}

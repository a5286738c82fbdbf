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
 * Inputs {@code (indices, values, shape, dense)}: {@code op(A) × dense} where A is the COO sparse
 * matrix of {@link SparseSupport} and op transposes it when the attribute {@code adjointA} is set
 * (TensorFlow's {@code sparse_tensor_dense_matmul}). Repeated coordinates add up. An index outside
 * the dense shape is an error at run time.
 */
final class SparseMatMul implements OpDef {
  @Override
  public String name() {
    return "SparseMatMul";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType indices = inputs.get(0);
    TensorType values = inputs.get(1);
    TensorType dense = inputs.get(3);
    boolean adjoint = attrs.getBool("adjointA");
    Shape a = SparseSupport.denseShape("sparseMatmul", indices, inputs.get(2));
    SparseSupport.checkValues("sparseMatmul", indices, values);
    if (dense.rank() != 2 || dense.dtype() != values.dtype()) {
      throw new ShapeError("sparseMatmul: expects a dense " + values.dtype().label()
          + " matrix to multiply " + SparseSupport.describe(a, adjoint) + " by, got " + dense);
    }
    Dim m = a.dim(adjoint ? 1 : 0);
    Dim k = a.dim(adjoint ? 0 : 1);
    if (!k.equals(dense.shape().dim(0))) {
      throw new ShapeError("sparseMatmul: cannot multiply " + SparseSupport.describe(a, adjoint) + " by "
          + dense.shape() + ": inner dimensions " + k + " and " + dense.shape().dim(0) + " differ");
    }
    return new TensorType(values.dtype(), Shape.of(m, dense.shape().dim(1)));
  }

  /** To values: per nonzero, the dot product of its rows of dOut and dense; to dense: op(A)ᵀ·dOut. */
  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    boolean adjoint = node.attrs().getBool("adjointA");
    Node indices = node.input(0);
    Node shape = node.input(2);
    Node dValues = Emit.sparseMatmulValuesGrad(b, indices, shape, dOut, node.input(3), adjoint);
    Node dDense = Emit.sparseMatmul(b, indices, node.input(1), shape, dOut, !adjoint);
    return Arrays.asList(null, dValues, null, dDense);
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value indices = inputs.get(0);
    Value values = inputs.get(1);
    int rows = inputs.get(2).dim(0);
    int cols = inputs.get(2).dim(1);
    Value dense = inputs.get(3);
    boolean adjoint = attrs.getBool("adjointA");
    int n = dense.dim(1);
    double[] out = new double[(adjoint ? cols : rows) * n];
    for (int e = 0; e < values.size(); e++) {
      int i = SparseSupport.coord("sparseMatmul", indices, e, adjoint ? 1 : 0, rows, cols);
      int j = SparseSupport.coord("sparseMatmul", indices, e, adjoint ? 0 : 1, rows, cols);
      double v = values.get(e);
      for (int k = 0; k < n; k++) {
        out[i * n + k] += v * dense.get(j * n + k);
      }
    }
    return new Value(values.dtype(), new int[] {adjoint ? cols : rows, n}, out);
  }
}

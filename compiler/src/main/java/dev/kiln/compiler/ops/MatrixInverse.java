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
import java.util.List;

/**
 * The inverse of a square floating-point matrix, by Gauss-Jordan elimination with partial
 * pivoting (in double). A singular matrix has no inverse: its result holds infinities or NaN, as
 * the division by a zero pivot gives. The gradient is {@code -A⁻ᵀ g A⁻ᵀ}.
 */
final class MatrixInverse implements OpDef {
  @Override
  public String name() {
    return "MatrixInverse";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType x = inputs.get(0);
    OpSupport.requireFloating("matrixInverse", x);
    if (x.rank() != 2 || !x.shape().dim(0).equals(x.shape().dim(1))) {
      throw new ShapeError("matrixInverse: expects a square matrix, got shape " + x.shape());
    }
    return x;
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    Node left = Emit.matmul(b, node, dOut, true, false);
    return List.of(Emit.neg(b, Emit.matmul(b, left, node, false, true)));
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    return new Value(x.dtype(), x.shape(), invert(x.data(), x.dim(0)));
  }

  /** Gauss-Jordan on [A | I] with partial pivoting; returns A⁻¹ row-major. */
  static double[] invert(double[] a, int n) {
    double[] m = a.clone();
    double[] inv = new double[n * n];
    for (int i = 0; i < n; i++) {
      inv[i * n + i] = 1;
    }
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(m[r * n + col]) > Math.abs(m[pivot * n + col])) {
          pivot = r;
        }
      }
      if (pivot != col) {
        for (int j = 0; j < n; j++) {
          double t = m[col * n + j];
          m[col * n + j] = m[pivot * n + j];
          m[pivot * n + j] = t;
          t = inv[col * n + j];
          inv[col * n + j] = inv[pivot * n + j];
          inv[pivot * n + j] = t;
        }
      }
      double p = m[col * n + col];
      for (int j = 0; j < n; j++) {
        m[col * n + j] /= p;
        inv[col * n + j] /= p;
      }
      for (int r = 0; r < n; r++) {
        double f = m[r * n + col];
        if (r == col || f == 0) {
          continue;
        }
        for (int j = 0; j < n; j++) {
          m[r * n + j] -= f * m[col * n + j];
          inv[r * n + j] -= f * inv[col * n + j];
        }
      }
    }
    return inv;
  }
}

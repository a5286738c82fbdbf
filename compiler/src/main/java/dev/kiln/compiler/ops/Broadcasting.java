package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.ShapeError;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;

/** NumPy-style broadcasting: trailing dimensions align; a dimension of 1 stretches. */
public final class Broadcasting {
  private Broadcasting() {}

  /** The broadcast shape of {@code a} and {@code b}, or a ShapeError naming {@code op}. */
  public static Shape shape(String op, Shape a, Shape b) {
    int rank = Math.max(a.rank(), b.rank());
    List<Dim> out = new ArrayList<>(rank);
    for (int i = 0; i < rank; i++) {
      Dim da = i < rank - a.rank() ? Dim.of(1) : a.dim(i - (rank - a.rank()));
      Dim db = i < rank - b.rank() ? Dim.of(1) : b.dim(i - (rank - b.rank()));
      if (da.equals(db) || isOne(db)) {
        out.add(da);
      } else if (isOne(da)) {
        out.add(db);
      } else {
        throw new ShapeError(op + ": shapes " + a + " and " + b + " cannot be broadcast together"
            + " (dimension " + da + " vs " + db + ")");
      }
    }
    return new Shape(out);
  }

  private static boolean isOne(Dim d) {
    return d.isStatic() && d.size() == 1;
  }

  /** Concrete broadcast shape of two arrays (shapes were checked at build time). */
  public static int[] shape(int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
      int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException("cannot broadcast dimension " + da + " with " + db);
      }
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  /** For each element of {@code outShape}, the flat index of the element of {@code in} it reads. */
  public static int[] sourceIndex(int[] in, int[] outShape) {
    int n = Value.sizeOf(outShape);
    int[] idx = new int[n];
    int[] inStrides = Value.strides(in);
    int offset = outShape.length - in.length;
    int[] coord = new int[outShape.length];
    for (int flat = 0; flat < n; flat++) {
      int src = 0;
      for (int d = 0; d < in.length; d++) {
        if (in[d] != 1) {
          src += coord[d + offset] * inStrides[d];
        }
      }
      idx[flat] = src;
      for (int d = outShape.length - 1; d >= 0; d--) {
        if (++coord[d] < outShape[d]) {
          break;
        }
        coord[d] = 0;
      }
    }
    return idx;
  }

  /** Applies {@code f} elementwise to broadcast operands; the result has dtype {@code out}. */
  public static Value apply(
      dev.kiln.dsl.DType out, Value a, Value b, DoubleBinaryOperator f) {
    int[] shape = shape(a.shape(), b.shape());
    int[] ia = sourceIndex(a.shape(), shape);
    int[] ib = sourceIndex(b.shape(), shape);
    double[] r = new double[ia.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = f.applyAsDouble(a.get(ia[i]), b.get(ib[i]));
    }
    return new Value(out, shape, r);
  }

  /**
   * The gradient reaching a broadcast operand: {@code grad} (shaped like the broadcast result)
   * summed back down to {@code operand}'s shape; the node itself when no broadcasting happened.
   */
  public static Node unbroadcast(GraphBuilder b, Node grad, Node operand) {
    if (grad.shape().equals(operand.shape())) {
      return grad;
    }
    return Emit.sumToShape(b, grad, operand);
  }
}

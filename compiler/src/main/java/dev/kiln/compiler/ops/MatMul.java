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
import java.util.List;

/**
 * Matrix product {@code op(a) × op(b)} of rank-2 tensors, where op transposes its operand when
 * the attribute {@code transposeA} / {@code transposeB} is set.
 */
final class MatMul implements OpDef {
  @Override
  public String name() {
    return "MatMul";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType a = inputs.get(0);
    TensorType b = inputs.get(1);
    boolean ta = attrs.getBool("transposeA");
    boolean tb = attrs.getBool("transposeB");
    if (a.rank() != 2 || b.rank() != 2) {
      throw new ShapeError("matmul: expects two matrices, got shapes " + a.shape() + " and " + b.shape());
    }
    if (a.dtype() != b.dtype() || !a.dtype().isFloating()) {
      throw new ShapeError("matmul: expects two floating-point matrices of one dtype, got " + a + " and " + b);
    }
    Dim m = a.shape().dim(ta ? 1 : 0);
    Dim ka = a.shape().dim(ta ? 0 : 1);
    Dim kb = b.shape().dim(tb ? 1 : 0);
    Dim n = b.shape().dim(tb ? 0 : 1);
    if (!ka.equals(kb)) {
      throw new ShapeError("matmul: cannot multiply " + describe(a.shape(), ta) + " by "
          + describe(b.shape(), tb) + ": inner dimensions " + ka + " and " + kb + " differ");
    }
    return new TensorType(a.dtype(), Shape.of(m, n));
  }

  private static String describe(Shape s, boolean transposed) {
    return transposed ? s + "ᵀ" : s.toString();
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return gradients(b, node, dOut);
  }

  /**
   * The four transpose cases of {@code op(a) × op(b)}; {@link Emit#matmul} picks the batched op
   * for rank ≥ 3, so the same rule serves {@link BatchMatMul} batch by batch.
   */
  static List<Node> gradients(GraphBuilder b, Node node, Node dOut) {
    Node x = node.input(0);
    Node y = node.input(1);
    boolean ta = node.attrs().getBool("transposeA");
    boolean tb = node.attrs().getBool("transposeB");
    if (!ta && !tb) {
      return List.of(Emit.matmul(b, dOut, y, false, true), Emit.matmul(b, x, dOut, true, false));
    } else if (ta && !tb) {
      return List.of(Emit.matmul(b, y, dOut, false, true), Emit.matmul(b, x, dOut, false, false));
    } else if (!ta) {
      return List.of(Emit.matmul(b, dOut, y, false, false), Emit.matmul(b, dOut, x, true, false));
    } else {
      return List.of(Emit.matmul(b, y, dOut, true, true), Emit.matmul(b, dOut, x, true, true));
    }
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value a = inputs.get(0);
    Value b = inputs.get(1);
    boolean ta = attrs.getBool("transposeA");
    boolean tb = attrs.getBool("transposeB");
    int m = a.dim(ta ? 1 : 0);
    int k = a.dim(ta ? 0 : 1);
    int n = b.dim(tb ? 0 : 1);
    double[] out = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          double av = ta ? a.get(p * m + i) : a.get(i * k + p);
          double bv = tb ? b.get(j * k + p) : b.get(p * n + j);
          s += av * bv;
        }
        out[i * n + j] = s;
      }
    }
    return new Value(a.dtype(), new int[] {m, n}, out);
  }
}

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
import java.util.ArrayList;
import java.util.List;

/**
 * Batched matrix product {@code [..., m, k] × [..., k, n] -> [..., m, n]} of two tensors of equal
 * rank (at least 3) with equal leading (batch) dimensions, symbolic ones included; the attributes
 * {@code transposeA} / {@code transposeB} transpose the last two axes of an operand. Batch dims
 * are not broadcast: reshape or broadcast them first.
 */
final class BatchMatMul implements OpDef {
  @Override
  public String name() {
    return "BatchMatMul";
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
    if (a.dtype() != b.dtype() || !a.dtype().isFloating()) {
      throw new ShapeError("matmul: expects two floating-point tensors of one dtype, got " + a + " and " + b);
    }
    int r = a.rank();
    if (r < 3 || b.rank() != r) {
      throw new ShapeError("matmul: a batched product expects two tensors of equal rank of at least 3,"
          + " got shapes " + a.shape() + " and " + b.shape());
    }
    List<Dim> batch = a.shape().dims().subList(0, r - 2);
    if (!batch.equals(b.shape().dims().subList(0, r - 2))) {
      throw new ShapeError("matmul: the batch dimensions of " + a.shape() + " and " + b.shape()
          + " differ");
    }
    Dim m = a.shape().dim(ta ? r - 1 : r - 2);
    Dim ka = a.shape().dim(ta ? r - 2 : r - 1);
    Dim kb = b.shape().dim(tb ? r - 1 : r - 2);
    Dim n = b.shape().dim(tb ? r - 2 : r - 1);
    if (!ka.equals(kb)) {
      throw new ShapeError("matmul: cannot multiply " + a.shape() + (ta ? "ᵀ" : "") + " by "
          + b.shape() + (tb ? "ᵀ" : "") + ": inner dimensions " + ka + " and " + kb + " differ");
    }
    List<Dim> out = new ArrayList<>(batch);
    out.add(m);
    out.add(n);
    return new TensorType(a.dtype(), new Shape(out));
  }

  /** The same four cases as {@link MatMul}, batch by batch. */
  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return MatMul.gradients(b, node, dOut);
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value a = inputs.get(0);
    Value b = inputs.get(1);
    boolean ta = attrs.getBool("transposeA");
    boolean tb = attrs.getBool("transposeB");
    int r = a.rank();
    int m = a.dim(ta ? r - 1 : r - 2);
    int k = a.dim(ta ? r - 2 : r - 1);
    int n = b.dim(tb ? r - 2 : r - 1);
    int batches = 1;
    for (int i = 0; i < r - 2; i++) {
      batches *= a.dim(i);
    }
    double[] out = new double[batches * m * n];
    for (int q = 0; q < batches; q++) {
      int ao = q * m * k;
      int bo = q * k * n;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int p = 0; p < k; p++) {
            double av = ta ? a.get(ao + p * m + i) : a.get(ao + i * k + p);
            double bv = tb ? b.get(bo + j * k + p) : b.get(bo + p * n + j);
            s += av * bv;
          }
          out[q * m * n + i * n + j] = s;
        }
      }
    }
    int[] shape = a.shape();
    shape[r - 2] = m;
    shape[r - 1] = n;
    return new Value(a.dtype(), shape, out);
  }
}

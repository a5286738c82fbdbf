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
import dev.kiln.dsl.DType;
import java.util.Arrays;
import java.util.List;

/**
 * Inputs {@code (cond, a, b)}: {@code cond ? a : b} elementwise, all three broadcast together
 * (NumPy's {@code where}). cond is BOOL; a and b share a dtype, which is the result's. The
 * gradient flows to a where cond holds and to b elsewhere, never to cond.
 */
final class Select implements OpDef {
  @Override
  public String name() {
    return "Select";
  }

  @Override
  public OpKind kind() {
    return OpKind.ELEMENTWISE;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType cond = inputs.get(0);
    TensorType a = inputs.get(1);
    TensorType b = inputs.get(2);
    if (cond.dtype() != DType.BOOL) {
      throw new ShapeError("where: the condition must be a bool tensor, got " + cond);
    }
    if (a.dtype() != b.dtype()) {
      throw new ShapeError("where: the two branches have different dtypes, " + a + " and " + b
          + "; cast one of them");
    }
    var ab = Broadcasting.shape("where", a.shape(), b.shape());
    return new TensorType(a.dtype(), Broadcasting.shape("where", cond.shape(), ab));
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    Node cond = node.input(0);
    Node zero = Emit.scalar(b, dOut.type().dtype(), 0);
    Node toA = Emit.where(b, cond, dOut, zero);
    Node toB = Emit.where(b, cond, zero, dOut);
    // dOut already has the shape of all three broadcast, so toA and toB do too.
    return Arrays.asList(null, Broadcasting.unbroadcast(b, toA, node.input(1)),
        Broadcasting.unbroadcast(b, toB, node.input(2)));
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value cond = inputs.get(0);
    Value a = inputs.get(1);
    Value b = inputs.get(2);
    int[] shape = Broadcasting.shape(cond.shape(), Broadcasting.shape(a.shape(), b.shape()));
    int[] ic = Broadcasting.sourceIndex(cond.shape(), shape);
    int[] ia = Broadcasting.sourceIndex(a.shape(), shape);
    int[] ib = Broadcasting.sourceIndex(b.shape(), shape);
    double[] out = new double[ic.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = cond.get(ic[i]) != 0 ? a.get(ia[i]) : b.get(ib[i]);
    }
    return new Value(a.dtype(), shape, out);
  }

  /** Moves data without arithmetic, so f16/bf16 pass through (see OpDef). */
  @Override
  public boolean acceptsStorageTypes() {
    return true;
  }
}

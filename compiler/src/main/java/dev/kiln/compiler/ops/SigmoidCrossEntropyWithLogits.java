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
import java.util.Arrays;
import java.util.List;

/**
 * Inputs {@code (labels z, logits x)}, broadcast: elementwise logistic loss
 * {@code -z log(sigmoid(x)) - (1 - z) log(1 - sigmoid(x))}, computed in TensorFlow's stable form
 * {@code max(x, 0) - x z + log1p(exp(-|x|))}, which never overflows.
 */
final class SigmoidCrossEntropyWithLogits implements OpDef {
  @Override
  public String name() {
    return "SigmoidCrossEntropyWithLogits";
  }

  @Override
  public OpKind kind() {
    return OpKind.ELEMENTWISE;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    String op = "sigmoidCrossEntropyWithLogits";
    TensorType z = inputs.get(0);
    TensorType x = inputs.get(1);
    OpSupport.requireFloating(op, x);
    if (z.dtype() != x.dtype()) {
      throw new ShapeError(op + ": labels and logits have different dtypes, " + z + " and " + x);
    }
    return new TensorType(x.dtype(), Broadcasting.shape(op, z.shape(), x.shape()));
  }

  static double apply(double z, double x) {
    return Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x)));
  }

  /** d/dz = -x * g; d/dx = (sigmoid(x) - z) * g; each summed back over broadcast axes. */
  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    Node z = node.input(0);
    Node x = node.input(1);
    Node dz = Emit.mul(b, Emit.neg(b, x), dOut);
    Node dx = Emit.mul(b, Emit.sub(b, Emit.sigmoid(b, x), z), dOut);
    return Arrays.asList(Broadcasting.unbroadcast(b, dz, z), Broadcasting.unbroadcast(b, dx, x));
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value z = inputs.get(0);
    return Broadcasting.apply(z.dtype(), z, inputs.get(1), SigmoidCrossEntropyWithLogits::apply);
  }
}

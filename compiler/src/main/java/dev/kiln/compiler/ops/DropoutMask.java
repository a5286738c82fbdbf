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
 * The mask {@code dropout(x, rate)} multiplies {@code x} by: a tensor of {@code x}'s type whose
 * elements are, while training, independently {@code 1 / (1 - rate)} (kept, with probability
 * {@code 1 - rate}) or 0, drawn in row-major order from the model's seeded generator
 * ({@code nextDouble() >= rate} keeps); and all ones at inference. Which one is up to the entry
 * point: a training step draws, a fetch does not ({@link EvalContext#training()}).
 *
 * <p>Why a mask op and not a dropout op: {@code dropout(x) = x * mask} makes the gradient
 * {@code g * mask} fall out of Mul's rule, reading the very node the forward pass drew, so the
 * forward and backward passes of one step always agree. {@code x} is an input only for its
 * (possibly symbolic) shape; no gradient flows through it. Impure: never merged by CSE.
 */
final class DropoutMask implements OpDef {
  @Override
  public String name() {
    return "DropoutMask";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public boolean isPure() {
    return false;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType x = inputs.get(0);
    OpSupport.requireFloating("dropout", x);
    double rate = attrs.getDouble("rate");
    if (!(rate >= 0 && rate < 1)) {
      throw new ShapeError("dropout: the rate must be in [0, 1), got " + rate);
    }
    return x;
  }

  /** The mask does not depend on x's values. */
  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return Arrays.asList((Node) null);
  }

  /** The scale of a kept element. */
  static double scale(double rate) {
    return 1 / (1 - rate);
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    double[] mask = new double[x.size()];
    if (!ctx.training()) {
      Arrays.fill(mask, 1);
    } else {
      double rate = attrs.getDouble("rate");
      double scale = scale(rate);
      for (int i = 0; i < mask.length; i++) {
        mask[i] = ctx.rng().nextDouble() >= rate ? scale : 0;
      }
    }
    return new Value(x.dtype(), x.shape(), mask);
  }
}

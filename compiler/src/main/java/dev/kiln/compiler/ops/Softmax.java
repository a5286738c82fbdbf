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
 * {@code exp(x) / sum(exp(x))} over the last axis, computed stably: the row maximum is subtracted
 * before exponentiating.
 */
final class Softmax implements OpDef {
  @Override
  public String name() {
    return "Softmax";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    return checkLastAxis("softmax", inputs.get(0));
  }

  static TensorType checkLastAxis(String op, TensorType x) {
    OpSupport.requireFloating(op, x);
    if (x.rank() == 0) {
      throw new ShapeError(op + ": expects a tensor with at least one axis, got the scalar " + x);
    }
    return x;
  }

  /** dx = y * (g - sum(g * y, last axis, keepDims)). */
  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    Node gy = Emit.reduceSum(b, Emit.mul(b, dOut, node), true, -1);
    return List.of(Emit.mul(b, node, Emit.sub(b, dOut, gy)));
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    return rows(inputs.get(0), false);
  }

  /** Softmax, or log-softmax when {@code log}, of each row along the last axis. */
  static Value rows(Value x, boolean log) {
    double[] in = x.data();
    double[] out = new double[in.length];
    int n = x.rank() == 0 ? 1 : x.dim(x.rank() - 1);
    if (n == 0) {
      return x;
    }
    for (int start = 0; start < in.length; start += n) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = start; i < start + n; i++) {
        max = Math.max(max, in[i]);
      }
      if (Double.isInfinite(max)) {
        max = 0; // a row of -inf or with +inf: no shift, IEEE arithmetic gives NaN as TF does
      }
      double sum = 0;
      for (int i = start; i < start + n; i++) {
        sum += Math.exp(in[i] - max);
      }
      double logSum = Math.log(sum);
      for (int i = start; i < start + n; i++) {
        out[i] = log ? in[i] - max - logSum : Math.exp(in[i] - max) / sum;
      }
    }
    return new Value(x.dtype(), x.shape(), out);
  }
}

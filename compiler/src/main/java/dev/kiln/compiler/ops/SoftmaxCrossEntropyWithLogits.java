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
 * Inputs {@code (labels, logits)} of one shape: per example, the cross-entropy
 * {@code -sum(labels * logSoftmax(logits))} over the last axis, fused and stable (the row maximum
 * is subtracted before exponentiating), so that a confident wrong logit gives a large finite loss
 * rather than the infinity of {@code log(softmax(x))}. The result drops the last axis.
 */
final class SoftmaxCrossEntropyWithLogits implements OpDef {
  @Override
  public String name() {
    return "SoftmaxCrossEntropyWithLogits";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    String op = "softmaxCrossEntropyWithLogits";
    TensorType labels = inputs.get(0);
    TensorType logits = inputs.get(1);
    OpSupport.requireFloating(op, logits);
    if (labels.dtype() != logits.dtype() || !labels.shape().equals(logits.shape())) {
      throw new ShapeError(op + ": labels and logits must have one shape and dtype, got labels "
          + labels + " and logits " + logits);
    }
    if (logits.rank() == 0) {
      throw new ShapeError(op + ": expects logits with at least one axis, got the scalar " + logits);
    }
    return new TensorType(logits.dtype(), OpSupport.reduceShape(logits.shape(),
        new int[] {logits.rank() - 1}, false));
  }

  /**
   * d/dlabels = -logSoftmax(logits) * g; d/dlogits = (softmax(logits) * sum(labels) - labels) * g,
   * which is TensorFlow's {@code softmax - labels} when each row of labels sums to 1 (and exact
   * when it does not).
   */
  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    Node labels = node.input(0);
    Node logits = node.input(1);
    Node g = Emit.broadcastLike(b, dOut, logits, logits.shape().rank() - 1);
    return List.of(
        Emit.mul(b, Emit.neg(b, Emit.logSoftmax(b, logits)), g),
        Emit.mul(b, Emit.sub(b, Emit.mul(b, Emit.softmax(b, logits),
            Emit.reduceSum(b, labels, true, -1)), labels), g));
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value labels = inputs.get(0);
    Value logSoftmax = Softmax.rows(inputs.get(1), true);
    int n = labels.dim(labels.rank() - 1);
    int[] shape = OpSupport.reduceShape(labels.shape(), new int[] {labels.rank() - 1}, false);
    double[] out = new double[Value.sizeOf(shape)];
    for (int r = 0; r < out.length; r++) {
      double s = 0;
      for (int j = r * n; j < (r + 1) * n; j++) {
        // A zero label contributes nothing, even against a -inf log-probability.
        s -= labels.get(j) == 0 ? 0 : labels.get(j) * logSoftmax.get(j);
      }
      out[r] = s;
    }
    return new Value(labels.dtype(), shape, out);
  }
}

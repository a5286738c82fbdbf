package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpDef;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;

/** {@code x - max - log(sum(exp(x - max)))} over the last axis: log(softmax(x)), stably. */
final class LogSoftmax implements OpDef {
  @Override
  public String name() {
    return "LogSoftmax";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    return Softmax.checkLastAxis("logSoftmax", inputs.get(0));
  }

  /** dx = g - exp(y) * sum(g, last axis, keepDims). */
  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    Node sum = Emit.reduceSum(b, dOut, true, -1);
    return List.of(Emit.sub(b, dOut, Emit.mul(b, Emit.exp(b, node), sum)));
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    return Softmax.rows(inputs.get(0), true);
  }
}

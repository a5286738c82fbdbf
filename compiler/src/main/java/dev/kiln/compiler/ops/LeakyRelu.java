package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpDef;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.TensorType;
import java.util.Arrays;
import java.util.List;

/**
 * {@code x > 0 ? x : alpha * x} for the attribute {@code alpha} (a double), on floating-point
 * tensors. The gradient at 0 is {@code alpha}, as TensorFlow's.
 */
final class LeakyRelu implements OpDef {
  @Override
  public String name() {
    return "LeakyRelu";
  }

  @Override
  public OpKind kind() {
    return OpKind.ELEMENTWISE;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    OpSupport.requireFloating("leakyRelu", inputs.get(0));
    return inputs.get(0);
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    Node x = node.input(0);
    var t = x.type().dtype();
    Node slope = Emit.where(b, Emit.greater(b, x, Emit.scalar(b, t, 0)),
        Emit.scalar(b, t, 1), Emit.scalar(b, t, node.attrs().getDouble("alpha")));
    return List.of(Emit.mul(b, dOut, slope));
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    double alpha = attrs.getDouble("alpha");
    return new Value(x.dtype(), x.shape(),
        Arrays.stream(x.data()).map(v -> v > 0 || Double.isNaN(v) ? v : alpha * v).toArray());
  }
}

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

/**
 * The maximum of each {@code window} (int[2]) of an NHWC tensor, per channel, under
 * {@link Windows}' geometry ({@code strides}, {@code padding}); padded positions never win.
 */
final class MaxPool implements OpDef {
  @Override
  public String name() {
    return "MaxPool";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    return Pooling.inferType("maxPool", inputs.get(0), attrs);
  }

  /** The gradient flows to the first maximum of each window (see {@link MaxPoolGrad}). */
  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    Attrs a = node.attrs();
    return List.of(Emit.maxPoolGrad(b, node.input(0), dOut, a.getInts("window"),
        a.getInts("strides"), a.get("padding")));
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    Pooling p = Pooling.of(x.shape(), attrs);
    double[] out = new double[p.outSize()];
    p.forEachWindow((o, taps) -> out[o] = x.get(taps[Pooling.argmax(x, taps)]));
    return new Value(x.dtype(), p.outShape(), out);
  }
}

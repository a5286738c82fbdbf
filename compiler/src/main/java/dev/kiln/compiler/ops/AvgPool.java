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
 * The mean of each {@code window} of an NHWC tensor, per channel, under {@link Windows}'
 * geometry; with SAME padding a window is averaged over its elements inside the input only
 * (as TensorFlow does).
 */
final class AvgPool implements OpDef {
  @Override
  public String name() {
    return "AvgPool";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    return Pooling.inferType("avgPool", inputs.get(0), attrs);
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    Attrs a = node.attrs();
    return List.of(Emit.avgPoolGrad(b, dOut, Conv2D.spatial(node.input(0).shape()),
        a.getInts("window"), a.getInts("strides"), a.get("padding")));
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    Pooling p = Pooling.of(x.shape(), attrs);
    double[] out = new double[p.outSize()];
    p.forEachWindow((o, taps) -> {
      double s = 0;
      for (int t : taps) {
        s += x.get(t);
      }
      out[o] = s / taps.length;
    });
    return new Value(x.dtype(), p.outShape(), out);
  }
}

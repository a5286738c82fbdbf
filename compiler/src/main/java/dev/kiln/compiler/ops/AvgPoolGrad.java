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
import java.util.List;

/**
 * The gradient of {@link AvgPool}: input {@code dOut}; each element is spread evenly over its
 * window's elements inside an input of spatial size {@code inputSize} (int[2]). Linear: its own
 * gradient is an avgPool.
 */
final class AvgPoolGrad implements OpDef {
  @Override
  public String name() {
    return "AvgPoolGrad";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType d = inputs.get(0);
    Windows.checkNhwc("avgPoolGrad", "a gradient", d);
    int[] size = attrs.getInts("inputSize");
    TensorType x = new TensorType(d.dtype(),
        Shape.of(d.shape().dim(0), Dim.of(size[0]), Dim.of(size[1]), d.shape().dim(3)));
    TensorType out = Pooling.inferType("avgPoolGrad", x, attrs);
    if (!out.equals(d)) {
      throw new ShapeError("avgPoolGrad: the gradient " + d + " does not match the pooled " + out
          + " of an input " + x);
    }
    return x;
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    Attrs a = node.attrs();
    return List.of(Emit.avgPool(b, dOut, a.getInts("window"), a.getInts("strides"), a.get("padding")));
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value d = inputs.get(0);
    int[] size = attrs.getInts("inputSize");
    int[] x = {d.dim(0), size[0], size[1], d.dim(3)};
    Pooling p = Pooling.of(x, attrs);
    double[] out = new double[Value.sizeOf(x)];
    p.forEachWindow((o, taps) -> {
      for (int t : taps) {
        out[t] += d.get(o) / taps.length;
      }
    });
    return new Value(d.dtype(), x, out);
  }
}

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
 * The gradient of {@link Conv2D} with respect to its input: inputs {@code (filter, dOut)}, the
 * adjoint of convolving with {@code filter}, giving {@code [batch, h, w, c]} where {@code h, w}
 * come from the attribute {@code inputSize} (int[2]: several input sizes give one output size
 * when strided) and {@code c} from the filter. Also {@code strides}, {@code padding}. Bilinear,
 * so it has its own gradients: a conv2d and a backprop-filter.
 */
final class Conv2DBackpropInput implements OpDef {
  @Override
  public String name() {
    return "Conv2DBackpropInput";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    String op = "conv2DBackpropInput";
    TensorType w = inputs.get(0);
    TensorType d = inputs.get(1);
    Windows.checkAttrs(op, attrs);
    Conv2D.checkFilter(op, w);
    Windows.checkNhwc(op, "a gradient", d);
    int[] size = attrs.getInts("inputSize");
    Shape input = Shape.of(d.shape().dim(0), Dim.of(size[0]), Dim.of(size[1]), w.shape().dim(2));
    Shape expected = Conv2D.check(op, new TensorType(d.dtype(), input), w, attrs);
    if (!expected.equals(d.shape())) {
      throw new ShapeError(op + ": the gradient " + d.shape() + " does not match the output "
          + expected + " of convolving " + input + " with the filter " + w.shape());
    }
    return new TensorType(d.dtype(), input);
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    Node w = node.input(0);
    Node d = node.input(1);
    return List.of(
        Emit.conv2dBackpropFilter(b, dOut, d, Conv2D.spatial(w.shape(), 0), Conv2D.strides(node), Conv2D.padding(node)),
        Emit.conv2d(b, dOut, w, Conv2D.strides(node), Conv2D.padding(node)));
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value w = inputs.get(0);
    Value d = inputs.get(1);
    int[] size = attrs.getInts("inputSize");
    int[] ws = w.shape();
    int[] x = {d.dim(0), size[0], size[1], ws[2]};
    Conv2D.Geometry g = Conv2D.Geometry.of(x, ws, attrs);
    double[] out = new double[x[0] * x[1] * x[2] * x[3]];
    g.forEachTap((xi, wi, oi) -> {
      double s = 0;
      for (int f = 0; f < g.f(); f++) {
        s += d.get(oi + f) * w.get(wi + f);
      }
      out[xi] += s;
    });
    return new Value(d.dtype(), x, out);
  }
}

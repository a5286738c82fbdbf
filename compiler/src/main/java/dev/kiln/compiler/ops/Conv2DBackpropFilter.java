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
 * The gradient of {@link Conv2D} with respect to its filter: inputs {@code (input, dOut)}, giving
 * {@code [kh, kw, c, f]} where {@code kh, kw} come from the attribute {@code filterSize} (int[2]),
 * {@code c} from the input and {@code f} from dOut; the sum over the batch and every output
 * position of input patch times output gradient. Also {@code strides}, {@code padding}. Bilinear,
 * so it has its own gradients: a backprop-input and a conv2d.
 */
final class Conv2DBackpropFilter implements OpDef {
  @Override
  public String name() {
    return "Conv2DBackpropFilter";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    String op = "conv2DBackpropFilter";
    TensorType x = inputs.get(0);
    TensorType d = inputs.get(1);
    Windows.checkAttrs(op, attrs);
    Windows.checkNhwc(op, "an input", x);
    Windows.checkNhwc(op, "a gradient", d);
    int[] size = attrs.getInts("filterSize");
    Shape filter = Shape.of(Dim.of(size[0]), Dim.of(size[1]), x.shape().dim(3), d.shape().dim(3));
    Shape expected = Conv2D.check(op, x, new TensorType(x.dtype(), filter), attrs);
    if (!expected.equals(d.shape())) {
      throw new ShapeError(op + ": the gradient " + d.shape() + " does not match the output "
          + expected + " of convolving " + x.shape() + " with a filter " + filter);
    }
    return new TensorType(x.dtype(), filter);
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    Node x = node.input(0);
    Node d = node.input(1);
    return List.of(
        Emit.conv2dBackpropInput(b, dOut, d, Conv2D.spatial(x.shape()), Conv2D.strides(node), Conv2D.padding(node)),
        Emit.conv2d(b, x, dOut, Conv2D.strides(node), Conv2D.padding(node)));
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    Value d = inputs.get(1);
    int[] size = attrs.getInts("filterSize");
    int[] ws = {size[0], size[1], x.dim(3), d.dim(3)};
    Conv2D.Geometry g = Conv2D.Geometry.of(x.shape(), ws, attrs);
    double[] out = new double[ws[0] * ws[1] * ws[2] * ws[3]];
    g.forEachTap((xi, wi, oi) -> {
      double v = x.get(xi);
      for (int f = 0; f < g.f(); f++) {
        out[wi + f] += v * d.get(oi + f);
      }
    });
    return new Value(x.dtype(), ws, out);
  }
}

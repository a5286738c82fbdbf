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
 * The gradient of {@link MaxPool}: inputs {@code (x, dOut)}; each element of dOut is added at the
 * position of its window's first maximum in {@code x} (row-major within the window), zeros
 * elsewhere. Same attributes as MaxPool.
 */
final class MaxPoolGrad implements OpDef {
  @Override
  public String name() {
    return "MaxPoolGrad";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType x = inputs.get(0);
    TensorType d = inputs.get(1);
    TensorType out = Pooling.inferType("maxPoolGrad", x, attrs);
    if (!out.equals(d)) {
      throw new ShapeError("maxPoolGrad: the gradient " + d + " does not match the pooled " + out
          + " of the input " + x);
    }
    return x;
  }

  /** Second derivatives of max pooling are not supported: routing is piecewise constant in x. */
  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    throw new ShapeError("maxPoolGrad: has no gradient; second derivatives of maxPool are not supported");
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    Value d = inputs.get(1);
    Pooling p = Pooling.of(x.shape(), attrs);
    double[] out = new double[x.size()];
    p.forEachWindow((o, taps) -> out[taps[Pooling.argmax(x, taps)]] += d.get(o));
    return new Value(x.dtype(), x.shape(), out);
  }
}

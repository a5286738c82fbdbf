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
 * A scalar of x's dtype: the product of x's dimensions over the attribute {@code axes} (all when
 * empty; negative counts from the end). It depends only on x's run-time shape, never its values,
 * so a pass may fold it to a constant when those dimensions are static.
 */
final class ElementCount implements OpDef {
  @Override
  public String name() {
    return "ElementCount";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType x = inputs.get(0);
    OpSupport.requireNumeric("elementCount", x);
    OpSupport.normalizeAxes("elementCount", x.shape(), attrs.getInts("axes"));
    return TensorType.scalar(x.dtype());
  }

  /** A function of the shape alone: no gradient flows to x. */
  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return Arrays.asList((Node) null);
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    double n = 1;
    for (int a : OpSupport.normalizeAxes(x.rank(), attrs.getInts("axes"))) {
      n *= x.dim(a);
    }
    return Value.scalar(x.dtype(), n);
  }
}

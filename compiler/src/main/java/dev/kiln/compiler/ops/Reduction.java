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
 * A fold over the attribute {@code axes} of one tensor (every axis when empty; negative axes count
 * from the end); the folded axes are dropped, or kept with size 1 when {@code keepDims}.
 */
abstract class Reduction implements OpDef {
  private final String name;

  Reduction(String name) {
    this.name = name;
  }

  /** Reference semantics: folds the elements {@code data[idx[0]], data[idx[1]], …}. */
  abstract double fold(double[] data, int[] idx);

  /** Whether integer inputs are accepted (BOOL never is). */
  abstract boolean acceptsIntegers();

  /**
   * The gradient given {@code dOutLike}: dOut broadcast back to the input's shape. {@code axes}
   * are normalized and ascending.
   */
  abstract Node gradient(GraphBuilder b, Node node, Node dOutLike, int[] axes);

  @Override
  public final String name() {
    return name;
  }

  String userName() {
    return OpSupport.userName(name);
  }

  @Override
  public final OpKind kind() {
    return OpKind.REDUCTION;
  }

  @Override
  public final TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType x = inputs.get(0);
    if (acceptsIntegers()) {
      OpSupport.requireNumeric(userName(), x);
    } else {
      OpSupport.requireFloating(userName(), x);
    }
    int[] axes = OpSupport.normalizeAxes(userName(), x.shape(), attrs.getInts("axes"));
    return new TensorType(x.dtype(), OpSupport.reduceShape(x.shape(), axes, attrs.getBool("keepDims")));
  }

  @Override
  public final List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    Node x = node.input(0);
    int[] axes = OpSupport.normalizeAxes(userName(), x.shape(), node.attrs().getInts("axes"));
    boolean keepDims = node.attrs().getBool("keepDims");
    Node spread = keepDims ? Emit.broadcastLike(b, dOut, x) : Emit.broadcastLike(b, dOut, x, axes);
    return List.of(gradient(b, node, spread, axes));
  }

  @Override
  public final Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    int[] axes = OpSupport.normalizeAxes(x.rank(), attrs.getInts("axes"));
    int[][] groups = OpSupport.reductionGroups(x.shape(), axes);
    double[] out = new double[groups.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = fold(x.data(), groups[i]);
    }
    return new Value(x.dtype(), OpSupport.reduceShape(x.shape(), axes, attrs.getBool("keepDims")), out);
  }
}

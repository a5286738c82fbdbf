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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Inputs {@code (x, like)}: {@code x} broadcast to {@code like}'s shape, keeping x's dtype. When
 * the attribute {@code axes} is non-empty, size-1 dimensions are first inserted into x at those
 * axes of {@code like} (so x's rank plus their count must equal like's rank); then NumPy
 * broadcasting applies, and every dimension of x must be 1 or equal to like's. Only like's shape
 * is read, never its values. This is how a reduction's gradient is spread back.
 */
final class BroadcastLike implements OpDef {
  @Override
  public String name() {
    return "BroadcastLike";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType x = inputs.get(0);
    TensorType like = inputs.get(1);
    int[] axes = attrs.getInts("axes");
    Shape expanded = x.shape();
    if (axes.length > 0) {
      if (x.rank() + axes.length != like.rank()) {
        throw new ShapeError("broadcastLike: cannot insert " + axes.length + " axes "
            + Arrays.toString(axes) + " into shape " + x.shape() + " to match the rank of "
            + like.shape());
      }
      expanded = expand(x.shape(), normalize(axes, like.shape()));
    }
    if (!broadcastsTo(expanded, like.shape())) {
      throw new ShapeError("broadcastLike: cannot broadcast shape " + expanded + " to shape "
          + like.shape());
    }
    return new TensorType(x.dtype(), like.shape());
  }

  /** Whether NumPy broadcasting takes {@code from} to exactly {@code to}. */
  private static boolean broadcastsTo(Shape from, Shape to) {
    if (from.rank() > to.rank()) {
      return false;
    }
    for (int i = 0; i < from.rank(); i++) {
      Dim d = from.dim(i);
      if (!(d.isStatic() && d.size() == 1) && !d.equals(to.dim(i + to.rank() - from.rank()))) {
        return false;
      }
    }
    return true;
  }

  private static int[] normalize(int[] axes, Shape like) {
    int[] out = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      out[i] = like.normalizeAxis(axes[i]);
      if (out[i] < 0 || (i > 0 && out[i] <= out[i - 1])) {
        throw new ShapeError("broadcastLike: axes " + Arrays.toString(axes)
            + " must be distinct ascending axes of shape " + like);
      }
    }
    return out;
  }

  /** {@code s} with size-1 dims inserted so that they sit at {@code axes} of the result. */
  private static Shape expand(Shape s, int[] axes) {
    List<Dim> dims = new ArrayList<>(s.dims());
    for (int a : axes) {
      dims.add(a, Dim.of(1));
    }
    return new Shape(dims);
  }

  /** To x: the sum over what was broadcast, back in x's shape; nothing to {@code like}. */
  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    Node x = node.input(0);
    int[] axes = node.attrs().getInts("axes");
    Node g = axes.length == 0 ? dOut : Emit.reduceSum(b, dOut, false, axes);
    return Arrays.asList(Broadcasting.unbroadcast(b, g, x), null);
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    int[] target = inputs.get(1).shape();
    int[] axes = attrs.getInts("axes");
    int[] shape = x.shape();
    if (axes.length > 0) {
      List<Integer> dims = new ArrayList<>(Arrays.stream(shape).boxed().toList());
      Arrays.stream(axes).map(a -> a < 0 ? a + target.length : a).sorted()
          .forEach(a -> dims.add(a, 1));
      shape = dims.stream().mapToInt(Integer::intValue).toArray();
    }
    int[] src = Broadcasting.sourceIndex(shape, target);
    double[] out = new double[src.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = x.get(src[i]);
    }
    return new Value(x.dtype(), target, out);
  }

  /** Moves data without arithmetic, so f16/bf16 pass through (see OpDef). */
  @Override
  public boolean acceptsStorageTypes() {
    return true;
  }
}

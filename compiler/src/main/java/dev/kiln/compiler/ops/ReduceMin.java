package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.dsl.DType;

/**
 * The minimum over {@code axes}; accepts integer tensors too; NaN wins. The gradient flows to the
 * positions equal to the minimum, split evenly among ties.
 */
final class ReduceMin extends Reduction {
  ReduceMin() {
    super("ReduceMin");
  }

  @Override
  double fold(double[] data, int[] idx) {
    double m = Double.POSITIVE_INFINITY;
    for (int i : idx) {
      if (Double.isNaN(data[i])) {
        return Double.NaN;
      }
      m = Math.min(m, data[i]);
    }
    return m;
  }

  @Override
  boolean acceptsIntegers() {
    return true;
  }

  @Override
  Node gradient(GraphBuilder b, Node node, Node dOutLike, int[] axes) {
    Node x = node.input(0);
    DType t = x.type().dtype();
    boolean keepDims = node.attrs().getBool("keepDims");
    Node min = keepDims ? Emit.broadcastLike(b, node, x) : Emit.broadcastLike(b, node, x, axes);
    Node hits = Emit.cast(b, Emit.equal(b, x, min), t);
    Node ties = Emit.reduceSum(b, hits, true, axes);
    return Emit.mul(b, dOutLike, Emit.div(b, hits, ties));
  }
}

package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.dsl.DType;
import java.util.function.DoubleBinaryOperator;

/**
 * The maximum or minimum over {@code axes}; accepts integer tensors too; NaN wins. The gradient
 * flows to the positions equal to the extreme, split evenly among ties.
 */
abstract class ExtremeReduction extends Reduction {
  private final double identity;
  private final DoubleBinaryOperator pick;

  ExtremeReduction(String name, double identity, DoubleBinaryOperator pick) {
    super(name);
    this.identity = identity;
    this.pick = pick;
  }

  @Override
  final double fold(double[] data, int[] idx) {
    double m = identity;
    for (int i : idx) {
      if (Double.isNaN(data[i])) {
        return Double.NaN;
      }
      m = pick.applyAsDouble(m, data[i]);
    }
    return m;
  }

  @Override
  final boolean acceptsIntegers() {
    return true;
  }

  @Override
  final Node gradient(GraphBuilder b, Node node, Node dOutLike, int[] axes) {
    Node x = node.input(0);
    DType t = x.type().dtype();
    boolean keepDims = node.attrs().getBool("keepDims");
    Node extreme = keepDims ? Emit.broadcastLike(b, node, x) : Emit.broadcastLike(b, node, x, axes);
    Node hits = Emit.cast(b, Emit.equal(b, x, extreme), t);
    Node ties = Emit.reduceSum(b, hits, true, axes);
    return Emit.mul(b, dOutLike, Emit.div(b, hits, ties));
  }
}

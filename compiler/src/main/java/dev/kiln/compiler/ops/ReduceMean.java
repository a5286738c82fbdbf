package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;

/**
 * The mean over {@code axes}, floating-point only. The gradient divides by
 * {@link Emit#elementCount}, so it stays correct when a reduced axis is symbolic.
 */
final class ReduceMean extends Reduction {
  ReduceMean() {
    super("ReduceMean");
  }

  @Override
  double fold(double[] data, int[] idx) {
    double s = 0;
    for (int i : idx) {
      s += data[i];
    }
    return s / idx.length;
  }

  @Override
  boolean acceptsIntegers() {
    return false;
  }

  @Override
  Node gradient(GraphBuilder b, Node node, Node dOutLike, int[] axes) {
    return Emit.div(b, dOutLike, Emit.elementCount(b, node.input(0), axes));
  }
}

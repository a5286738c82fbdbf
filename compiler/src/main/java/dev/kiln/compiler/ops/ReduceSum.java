package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;

/** The sum over {@code axes}; accepts integer tensors too. */
final class ReduceSum extends Reduction {
  ReduceSum() {
    super("ReduceSum");
  }

  @Override
  double fold(double[] data, int[] idx) {
    double s = 0;
    for (int i : idx) {
      s += data[i];
    }
    return s;
  }

  @Override
  boolean acceptsIntegers() {
    return true;
  }

  @Override
  Node gradient(GraphBuilder b, Node node, Node dOutLike, int[] axes) {
    return dOutLike;
  }
}

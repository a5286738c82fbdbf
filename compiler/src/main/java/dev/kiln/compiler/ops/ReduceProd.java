package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.dsl.DType;

/**
 * The product over {@code axes}; accepts integer tensors too. The gradient is exact with zeros:
 * d prod / d x_i is the product of the other elements, computed without dividing by x_i — with
 * no zero in a group it is {@code P / x_i} over the nonzero product P; with exactly one zero it is
 * P at that zero and 0 elsewhere; with two or more it is 0 everywhere.
 */
final class ReduceProd extends Reduction {
  ReduceProd() {
    super("ReduceProd");
  }

  @Override
  double fold(double[] data, int[] idx) {
    double p = 1;
    for (int i : idx) {
      p *= data[i];
    }
    return p;
  }

  @Override
  boolean acceptsIntegers() {
    return true;
  }

  @Override
  Node gradient(GraphBuilder b, Node node, Node dOutLike, int[] axes) {
    Node x = node.input(0);
    DType t = x.type().dtype();
    Node zero = Emit.scalar(b, t, 0);
    Node one = Emit.scalar(b, t, 1);
    Node isZero = Emit.equal(b, x, zero);
    Node safe = Emit.where(b, isZero, one, x);
    // Per group: the product of the nonzero elements and the number of zeros, kept as size-1 axes.
    Node nonZeroProd = Emit.broadcastLike(b, Emit.reduceProd(b, safe, true, axes), x);
    Node zeros = Emit.broadcastLike(b, Emit.reduceSum(b, Emit.cast(b, isZero, t), true, axes), x);
    Node noZero = Emit.equal(b, zeros, zero);
    Node oneZeroHere = Emit.logicalAnd(b, Emit.equal(b, zeros, one), isZero);
    Node others = Emit.where(b, noZero, Emit.div(b, nonZeroProd, safe),
        Emit.where(b, oneZeroHere, nonZeroProd, zero));
    return Emit.mul(b, dOutLike, others);
  }
}

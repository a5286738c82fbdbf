package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.dsl.DType;

/** {@code a != b}, as BOOL. */
final class NotEqual extends BinaryElementwise {
  NotEqual() {
    super("NotEqual");
  }

  @Override
  double apply(double a, double b) {
    return a != b ? 1 : 0;
  }

  @Override
  DType resultType(DType operands) {
    return DType.BOOL;
  }

  @Override
  boolean acceptsBool() {
    return true;
  }

  /** A comparison is piecewise constant: no gradient flows. */
  @Override
  Node[] gradient(GraphBuilder b, Node x, Node y, Node out, Node dOut) {
    return new Node[] {null, null};
  }
}

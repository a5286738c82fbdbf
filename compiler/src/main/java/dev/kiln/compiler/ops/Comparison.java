package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.dsl.DType;

/** A broadcasting comparison: operands of one dtype (bool included), a BOOL result, no gradient. */
abstract class Comparison extends BinaryElementwise {
  Comparison(String name) {
    super(name);
  }

  /** Reference semantics of one pair of elements. */
  abstract boolean test(double a, double b);

  @Override
  final double apply(double a, double b) {
    return test(a, b) ? 1 : 0;
  }

  @Override
  final DType resultType(DType operands) {
    return DType.BOOL;
  }

  @Override
  final boolean acceptsBool() {
    return true;
  }

  /** A comparison is piecewise constant: no gradient flows. */
  @Override
  final Node[] gradient(GraphBuilder b, Node x, Node y, Node out, Node dOut) {
    return new Node[] {null, null};
  }
}

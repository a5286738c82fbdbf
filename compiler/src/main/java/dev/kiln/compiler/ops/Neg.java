package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;

/** {@code -x}; accepts integer tensors too. */
final class Neg extends UnaryElementwise {
  Neg() {
    super("Neg");
  }

  @Override
  double apply(double x) {
    return -x;
  }

  @Override
  Node gradient(GraphBuilder b, Node x, Node y, Node dOut) {
    return Emit.neg(b, dOut);
  }

  @Override
  boolean acceptsIntegers() {
    return true;
  }
}

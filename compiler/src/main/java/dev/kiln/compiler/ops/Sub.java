package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;

/** {@code a - b}. */
final class Sub extends BinaryElementwise {
  Sub() {
    super("Sub");
  }

  @Override
  double apply(double a, double b) {
    return a - b;
  }

  @Override
  Node[] gradient(GraphBuilder b, Node x, Node y, Node out, Node dOut) {
    return new Node[] {dOut, Emit.neg(b, dOut)};
  }
}

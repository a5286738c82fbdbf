package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;

/** {@code a * b}. */
final class Mul extends BinaryElementwise {
  Mul() {
    super("Mul");
  }

  @Override
  double apply(double a, double b) {
    return a * b;
  }

  @Override
  Node[] gradient(GraphBuilder b, Node x, Node y, Node out, Node dOut) {
    return new Node[] {Emit.mul(b, dOut, y), Emit.mul(b, dOut, x)};
  }
}

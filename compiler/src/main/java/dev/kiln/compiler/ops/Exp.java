package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;

/** {@code e^x}. */
final class Exp extends UnaryElementwise {
  Exp() {
    super("Exp");
  }

  @Override
  double apply(double x) {
    return Math.exp(x);
  }

  @Override
  Node gradient(GraphBuilder b, Node x, Node y, Node dOut) {
    return Emit.mul(b, dOut, y);
  }
}

package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;

/** The hyperbolic tangent. */
final class Tanh extends UnaryElementwise {
  Tanh() {
    super("Tanh");
  }

  @Override
  double apply(double x) {
    return Math.tanh(x);
  }

  @Override
  Node gradient(GraphBuilder b, Node x, Node y, Node dOut) {
    return Emit.mul(b, dOut, Emit.sub(b, Emit.scalar(b, y.type().dtype(), 1), Emit.square(b, y)));
  }
}

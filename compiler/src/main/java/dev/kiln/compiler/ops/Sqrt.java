package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;

/** The square root. */
final class Sqrt extends UnaryElementwise {
  Sqrt() {
    super("Sqrt");
  }

  @Override
  double apply(double x) {
    return Math.sqrt(x);
  }

  @Override
  Node gradient(GraphBuilder b, Node x, Node y, Node dOut) {
    return Emit.div(b, dOut, Emit.mul(b, Emit.scalar(b, y.type().dtype(), 2), y));
  }
}

package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;

/** The reciprocal square root {@code 1 / sqrt(x)}. */
final class Rsqrt extends UnaryElementwise {
  Rsqrt() {
    super("Rsqrt");
  }

  @Override
  double apply(double x) {
    return 1 / Math.sqrt(x);
  }

  /** d/dx x^(-1/2) = -y³ / 2. */
  @Override
  Node gradient(GraphBuilder b, Node x, Node y, Node dOut) {
    Node cube = Emit.mul(b, y, Emit.square(b, y));
    return Emit.mul(b, dOut, Emit.mul(b, Emit.scalar(b, y.type().dtype(), -0.5), cube));
  }
}

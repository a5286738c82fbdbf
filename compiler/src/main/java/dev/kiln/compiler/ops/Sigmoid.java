package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;

/** The logistic function {@code 1 / (1 + e^-x)}, evaluated without overflow for large |x|. */
final class Sigmoid extends UnaryElementwise {
  Sigmoid() {
    super("Sigmoid");
  }

  @Override
  double apply(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }

  @Override
  Node gradient(GraphBuilder b, Node x, Node y, Node dOut) {
    return Emit.mul(b, dOut, Emit.mul(b, y, Emit.sub(b, Emit.scalar(b, y.type().dtype(), 1), y)));
  }
}

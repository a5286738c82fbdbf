package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;

/** {@code max(x, 0)}; accepts integer tensors too. The gradient at 0 is 0. */
final class Relu extends UnaryElementwise {
  Relu() {
    super("Relu");
  }

  @Override
  double apply(double x) {
    return x > 0 || Double.isNaN(x) ? x : 0;
  }

  @Override
  Node gradient(GraphBuilder b, Node x, Node y, Node dOut) {
    return Emit.mul(b, dOut,
        Emit.cast(b, Emit.greater(b, x, Emit.scalar(b, x.type().dtype(), 0)), x.type().dtype()));
  }

  @Override
  boolean acceptsIntegers() {
    return true;
  }
}

package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;

/** {@code x * x}; accepts integer tensors too. */
final class Square extends UnaryElementwise {
  Square() {
    super("Square");
  }

  @Override
  double apply(double x) {
    return x * x;
  }

  @Override
  Node gradient(GraphBuilder b, Node x, Node y, Node dOut) {
    return Emit.mul(b, dOut, Emit.mul(b, Emit.scalar(b, x.type().dtype(), 2), x));
  }

  @Override
  boolean acceptsIntegers() {
    return true;
  }
}

package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;

/**
 * {@code log(1 + e^x)}, computed stably as {@code max(x, 0) + log1p(e^-|x|)} so that large |x|
 * neither overflows nor loses the small term. Its derivative is the sigmoid.
 */
final class Softplus extends UnaryElementwise {
  Softplus() {
    super("Softplus");
  }

  @Override
  double apply(double x) {
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  @Override
  Node gradient(GraphBuilder b, Node x, Node y, Node dOut) {
    return Emit.mul(b, dOut, Emit.sigmoid(b, x));
  }
}

package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;

/** {@code a / b}; on integer dtypes the quotient is truncated toward zero (Java's {@code /}),
 * and integer division by zero is a run-time error of the backend (the interpreter saturates). */
final class Div extends BinaryElementwise {
  Div() {
    super("Div");
  }

  @Override
  double apply(double a, double b) {
    return a / b;
  }

  /** d(x/y)/dx = 1/y; d(x/y)/dy = -x/y² = -out/y. */
  @Override
  Node[] gradient(GraphBuilder b, Node x, Node y, Node out, Node dOut) {
    return new Node[] {Emit.div(b, dOut, y), Emit.neg(b, Emit.div(b, Emit.mul(b, dOut, out), y))};
  }
}

package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;

/** The smaller of {@code a} and {@code b}. On ties the whole gradient flows to {@code a}. */
final class Minimum extends BinaryElementwise {
  Minimum() {
    super("Minimum");
  }

  @Override
  double apply(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
  }

  @Override
  Node[] gradient(GraphBuilder b, Node x, Node y, Node out, Node dOut) {
    // y wins only where x > y; x takes the rest (ties included).
    Node toY = Emit.mul(b, dOut, Emit.cast(b, Emit.greater(b, x, y), dOut.type().dtype()));
    return new Node[] {Emit.sub(b, dOut, toY), toY};
  }
}

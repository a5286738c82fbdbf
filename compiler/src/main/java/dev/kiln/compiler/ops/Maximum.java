package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;

/** The larger of {@code a} and {@code b}. On ties the whole gradient flows to {@code a}. */
final class Maximum extends BinaryElementwise {
  Maximum() {
    super("Maximum");
  }

  @Override
  double apply(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
  }

  @Override
  Node[] gradient(GraphBuilder b, Node x, Node y, Node out, Node dOut) {
    // y wins only where x < y; x takes the rest (ties included).
    Node toY = Emit.mul(b, dOut, Emit.cast(b, Emit.less(b, x, y), dOut.type().dtype()));
    return new Node[] {Emit.sub(b, dOut, toY), toY};
  }
}

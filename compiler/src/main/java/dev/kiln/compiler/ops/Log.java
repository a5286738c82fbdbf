package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;

/** The natural logarithm. */
final class Log extends UnaryElementwise {
  Log() {
    super("Log");
  }

  @Override
  double apply(double x) {
    return Math.log(x);
  }

  @Override
  Node gradient(GraphBuilder b, Node x, Node y, Node dOut) {
    return Emit.div(b, dOut, x);
  }
}

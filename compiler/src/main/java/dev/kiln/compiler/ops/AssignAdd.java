package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import java.util.List;

/** {@code variable += value}; its output is the new value. Attribute {@code variable}: the name. */
final class AssignAdd extends AssignOp {
  @Override
  public String name() {
    return "AssignAdd";
  }

  @Override
  double combine(double old, double operand) {
    return old + operand;
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return List.of(dOut, dOut);
  }
}

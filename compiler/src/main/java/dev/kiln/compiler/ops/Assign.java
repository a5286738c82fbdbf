package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import java.util.Arrays;
import java.util.List;

/** {@code variable := value}; its output is the new value. Attribute {@code variable}: the name. */
final class Assign extends AssignOp {
  @Override
  public String name() {
    return "Assign";
  }

  @Override
  double combine(double old, double operand) {
    return operand;
  }

  /** The new value is the operand itself; the old value does not influence it. */
  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return Arrays.asList(null, dOut);
  }

  /** Moves data without arithmetic, so f16/bf16 pass through (see OpDef). */
  @Override
  public boolean acceptsStorageTypes() {
    return true;
  }
}

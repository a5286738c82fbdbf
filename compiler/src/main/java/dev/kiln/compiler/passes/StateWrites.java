package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.ShapeError;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rule that keeps state writes well-defined: within one entry point each variable is written
 * by at most one assign op. Reads of the variable's {@code Variable} node see its value from
 * before the write and readers of the assign's output see the new one, so one write per entry
 * point leaves no ordering to chance; two would (which one lands last, what the second's "old
 * value" is), so they are rejected rather than ordered arbitrarily.
 */
public final class StateWrites {
  private StateWrites() {}

  /** Whether {@code n} writes a variable (Assign, AssignAdd, AssignSub). */
  public static boolean isWrite(Node n) {
    return n.op().name().startsWith("Assign") && n.attrs().has("variable");
  }

  /**
   * Checks one entry point's schedule.
   *
   * @throws ShapeError naming the variable, the entry point and both writes
   */
  public static void check(String entryPoint, List<Node> schedule) {
    Map<String, Node> writer = new HashMap<>();
    for (Node n : schedule) {
      if (isWrite(n)) {
        String variable = n.attrs().get("variable");
        Node earlier = writer.putIfAbsent(variable, n);
        if (earlier != null) {
          throw new ShapeError("variable '" + variable + "' is written twice in entry point '"
              + entryPoint + "' (" + earlier.name() + " and " + n.name() + "); one entry point may"
              + " assign each variable at most once");
        }
      }
    }
  }
}

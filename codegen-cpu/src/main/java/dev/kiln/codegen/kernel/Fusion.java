package dev.kiln.codegen.kernel;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fusion decision every backend shares: which elementwise nodes compute in one loop. Walking
 * the schedule backwards, an elementwise node joins its users' group when all its users are
 * elementwise nodes of one group and it is not a result of the entry point; otherwise it roots a
 * group of its own. So a group's intermediates are used only inside the group and never stored.
 */
public final class Fusion {
  private Fusion() {}

  /**
   * Each elementwise node of {@code schedule} mapped to its group's root (the group's last node,
   * the only one whose value leaves the loop); roots map to themselves.
   *
   * @param results the nodes the entry point hands out: never fused away
   */
  public static Map<Node, Node> plan(List<Node> schedule, Collection<Node> results) {
    Set<Node> resultSet = new HashSet<>(results);
    Set<Node> scheduled = new HashSet<>(schedule);
    Map<Node, List<Node>> users = new HashMap<>();
    for (Node n : schedule) {
      for (Node in : n.inputs()) {
        if (scheduled.contains(in)) {
          users.computeIfAbsent(in, x -> new ArrayList<>()).add(n);
        }
      }
    }
    Map<Node, Node> groupOf = new HashMap<>();
    for (int i = schedule.size() - 1; i >= 0; i--) {
      Node n = schedule.get(i);
      if (n.op().kind() != OpKind.ELEMENTWISE) {
        continue;
      }
      Node root = null;
      List<Node> us = users.getOrDefault(n, List.of());
      boolean fusable = !resultSet.contains(n) && !us.isEmpty();
      for (Node u : us) {
        Node r = groupOf.get(u);
        if (r == null || (root != null && r != root)) {
          fusable = false;
          break;
        }
        root = r;
      }
      groupOf.put(n, fusable ? root : n);
    }
    return groupOf;
  }
}

package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpDef;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Common-subgraph elimination by value numbering: walking the graph in order, a pure node whose
 * op, (already merged) inputs and attributes equal those of an earlier node is not copied; its
 * users read the earlier node instead. One pass in topological order finds every structurally
 * equal subgraph, however deep.
 */
public final class CommonSubexpressionElimination {
  private CommonSubexpressionElimination() {}

  private record Key(OpDef op, List<Integer> inputs, Attrs attrs) {}

  public static Rebuilder.Result apply(Graph graph) {
    Map<Key, Node> seen = new HashMap<>();
    return Rebuilder.rebuild(graph, (b, old, ins, rebuilt) -> {
      if (!old.op().isPure()) {
        return null;
      }
      Key key = new Key(old.op(), ins.stream().map(Node::id).toList(), old.attrs());
      Node earlier = seen.get(key);
      if (earlier != null && earlier.type().equals(old.type())) {
        return earlier;
      }
      Node copy = b.copyOf(old, ins);
      seen.putIfAbsent(key, copy);
      return copy;
    });
  }
}

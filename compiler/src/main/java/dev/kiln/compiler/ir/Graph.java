package dev.kiln.compiler.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A dataflow graph: nodes in an order where every input precedes its users. */
public final class Graph {
  private final List<Node> nodes = new ArrayList<>();

  void add(Node n) {
    nodes.add(n);
  }

  public List<Node> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  public int size() {
    return nodes.size();
  }

  public Node node(int id) {
    return nodes.get(id);
  }

  /** Counts of users of each node (by id), among all nodes of the graph. */
  public int[] useCounts() {
    int[] uses = new int[nodes.size()];
    for (Node n : nodes) {
      for (Node in : n.inputs()) {
        uses[in.id()]++;
      }
    }
    return uses;
  }
}

package dev.kiln.compiler.ir;

import java.util.List;

/**
 * A nested body of a control-flow op (a branch of {@code cond}, the condition or body of
 * {@code whileLoop}): a graph of its own whose {@code Arg} nodes, listed in {@link #params()},
 * stand for the values the op hands in, and whose {@link #results()} are what it hands back.
 * A region never reads a node of an enclosing graph: every outer value it uses is an explicit
 * input of the op (a captured input) bound to one of its params, so passes and backends can treat
 * each graph on its own. Equality is identity of the graph, so CSE merges two control-flow nodes
 * only when they share their bodies.
 */
public record Region(Graph graph, List<Node> params, List<Node> results) {
  public Region {
    params = List.copyOf(params);
    results = List.copyOf(results);
  }

  public List<TensorType> paramTypes() {
    return params.stream().map(Node::type).toList();
  }

  public List<TensorType> resultTypes() {
    return results.stream().map(Node::type).toList();
  }

  @Override
  public String toString() {
    return "region(" + paramTypes() + " -> " + resultTypes() + ", " + graph.size() + " nodes)";
  }
}

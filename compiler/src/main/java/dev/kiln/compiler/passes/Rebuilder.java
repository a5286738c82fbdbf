package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Copies a graph node by node into a fresh {@link GraphBuilder}, keeping names, scopes and source
 * origins, and lets a pass replace nodes on the way. Passes never mutate a graph: they rebuild it
 * with this class and translate every node they care about through {@link Result#map(Node)}.
 */
public final class Rebuilder {
  private Rebuilder() {}

  /** A pass's hook, called for each kept node in graph order. */
  @FunctionalInterface
  public interface Rewrite {
    /**
     * The replacement for {@code old}, or null to copy it unchanged. {@code newInputs} are
     * {@code old}'s inputs as already rebuilt (null for inputs that were dropped). Nodes the hook
     * adds are named in {@code old}'s scope and carry its origin. The hook may also return a node
     * built earlier, which merges {@code old} into it. {@code rebuilt} maps any earlier old node to
     * its new counterpart (null if dropped).
     */
    Node rewrite(GraphBuilder b, Node old, List<Node> newInputs, Function<Node, Node> rebuilt);
  }

  /** A rebuilt graph and where each old node went. */
  public static final class Result {
    private final GraphBuilder builder;
    private final Map<Node, Node> mapping;

    Result(GraphBuilder builder, Map<Node, Node> mapping) {
      this.builder = builder;
      this.mapping = Collections.unmodifiableMap(mapping);
    }

    public Graph graph() {
      return builder.graph();
    }

    /** The builder holding the new graph; further nodes (gradients) may be added to it. */
    public GraphBuilder builder() {
      return builder;
    }

    /** Old node to new node (identity keys); dropped nodes are absent. */
    public Map<Node, Node> mapping() {
      return mapping;
    }

    /** The new node for {@code old}; throws if {@code old} was dropped or is not of the old graph. */
    public Node map(Node old) {
      Node n = mapping.get(old);
      if (n == null) {
        throw new IllegalArgumentException("node " + old.name() + " has no counterpart in the rebuilt graph");
      }
      return n;
    }

    public List<Node> mapAll(Collection<Node> old) {
      List<Node> out = new ArrayList<>(old.size());
      for (Node n : old) {
        out.add(map(n));
      }
      return out;
    }
  }

  /** Copies {@code graph} unchanged. */
  public static Result copy(Graph graph) {
    return rebuild(graph, n -> true, (b, old, ins, rebuilt) -> null);
  }

  public static Result rebuild(Graph graph, Rewrite hook) {
    return rebuild(graph, n -> true, hook);
  }

  /**
   * Rebuilds the nodes of {@code graph} that {@code keep} accepts, through {@code hook}. A copied
   * node whose input was dropped is an error of the calling pass.
   */
  public static Result rebuild(Graph graph, Predicate<Node> keep, Rewrite hook) {
    GraphBuilder b = new GraphBuilder();
    Map<Node, Node> mapping = new IdentityHashMap<>();
    for (Node old : graph.nodes()) {
      if (!keep.test(old)) {
        continue;
      }
      List<Node> ins = new ArrayList<>(old.inputs().size());
      for (Node in : old.inputs()) {
        ins.add(mapping.get(in));
      }
      Object previousOrigin = b.setOrigin(old.origin());
      boolean scoped = !old.scope().isEmpty();
      if (scoped) {
        b.pushScope(old.scope());
      }
      Node replacement;
      try {
        replacement = hook.rewrite(b, old, Collections.unmodifiableList(ins), mapping::get);
      } finally {
        if (scoped) {
          b.popScope();
        }
      }
      if (replacement == null) {
        if (ins.contains(null)) {
          throw new IllegalStateException("node " + old.name() + " kept but an input was dropped");
        }
        replacement = b.copyOf(old, ins);
      }
      b.setOrigin(previousOrigin);
      mapping.put(old, replacement);
    }
    return new Result(b, mapping);
  }
}

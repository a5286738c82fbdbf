package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Region;
import dev.kiln.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds one {@link Region}: its own {@link GraphBuilder}, its explicit params (loop variables)
 * and the outer values it reads. Reading a node of an enclosing graph through {@link #read}
 * captures it: the region gets an {@code Arg} for it and the control-flow op an input. Captures
 * chain through nested regions, so a body two levels deep can read a model input.
 */
public final class RegionBuilder {
  private final GraphBuilder b = new GraphBuilder();
  private final RegionBuilder parent;
  private final Graph enclosing;
  private final List<Node> params = new ArrayList<>();
  private final Map<Node, Node> captures = new LinkedHashMap<>();

  /**
   * A region inside {@code parent}'s graph, or, when {@code parent} is null, directly inside
   * {@code enclosing} (a model's graph).
   */
  RegionBuilder(RegionBuilder parent, Graph enclosing, Object origin) {
    this.parent = parent;
    this.enclosing = parent != null ? parent.b.graph() : enclosing;
    b.setOrigin(origin);
  }

  /** The builder of the region's own graph: nodes of the body are added here. */
  public GraphBuilder builder() {
    return b;
  }

  /** The enclosing region, or null when this region sits in a model's graph. */
  public RegionBuilder parent() {
    return parent;
  }

  /** A new explicit param (a loop variable) of type {@code t}. */
  Node param(TensorType t, String name) {
    Node p = arg(b, t, name);
    params.add(p);
    return p;
  }

  static Node arg(GraphBuilder g, TensorType t, String name) {
    return g.apply(StandardOps.ARG, Attrs.of("name", name, "dtype", t.dtype(), "shape", t.shape()));
  }

  /** {@code n} as a node of this region: itself if it is one, else the Arg capturing it. */
  public Node read(Node n) {
    if (owns(b.graph(), n)) {
      return n;
    }
    Node outer = n;
    if (!owns(enclosing, n)) {
      if (parent == null) {
        throw new IllegalArgumentException("node " + n.name() + " belongs to no enclosing graph");
      }
      outer = parent.read(n);
    }
    return captures.computeIfAbsent(outer, o -> arg(b, o.type(), "captured"));
  }

  /** The enclosing graph's nodes this region reads, in the order first read. */
  List<Node> captured() {
    return List.copyOf(captures.keySet());
  }

  /**
   * The region: params are the explicit ones, then one per node of {@code allCaptures} (a superset
   * of {@link #captured()}, shared by the op's sibling regions), in that order. {@code results}
   * must already be nodes of this region (see {@link #read}).
   */
  Region finish(List<Node> results, List<Node> allCaptures) {
    List<Node> ps = new ArrayList<>(params);
    for (Node c : allCaptures) {
      Node a = captures.get(c);
      ps.add(a != null ? a : arg(b, c.type(), "captured"));
    }
    for (Node c : captures.keySet()) {
      if (!allCaptures.contains(c)) {
        throw new IllegalStateException("a region captured " + c.name() + " after its captures were listed");
      }
    }
    return new Region(b.graph(), ps, results);
  }

  static boolean owns(Graph g, Node n) {
    return n.id() < g.size() && g.node(n.id()) == n;
  }
}

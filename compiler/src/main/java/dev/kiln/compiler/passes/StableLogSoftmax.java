package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.compiler.ops.StandardOps;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rewrites {@code Log(Softmax(x))} to {@code LogSoftmax(x)}: the cross-entropy a user writes as
 * {@code log(softmax(logits))} then neither underflows to {@code log(0)} nor has an unstable
 * gradient. A Softmax whose every user is such a Log is dropped; one with other users stays.
 */
public final class StableLogSoftmax {
  private StableLogSoftmax() {}

  /** Rewrites {@code graph}, dropping Softmax nodes that only rewritten Logs read. */
  public static Rebuilder.Result apply(Graph graph) {
    return apply(graph, List.of());
  }

  /**
   * Rewrites {@code graph}; the nodes of {@code roots} (fetches, losses) are users from outside
   * the graph, so a Softmax among them is kept.
   */
  public static Rebuilder.Result apply(Graph graph, Collection<Node> roots) {
    Set<Integer> rewritten = new HashSet<>();
    for (Node n : graph.nodes()) {
      if (n.op() == StandardOps.LOG && n.input(0).op() == StandardOps.SOFTMAX) {
        rewritten.add(n.id());
      }
    }
    // A Softmax survives if anything other than a rewritten Log reads it.
    Set<Integer> softmaxUsers = new HashSet<>();
    Set<Integer> softmaxKept = new HashSet<>();
    for (Node n : graph.nodes()) {
      for (Node in : n.inputs()) {
        if (in.op() == StandardOps.SOFTMAX) {
          softmaxUsers.add(in.id());
          if (!rewritten.contains(n.id())) {
            softmaxKept.add(in.id());
          }
        }
      }
    }
    for (Node r : roots) {
      softmaxKept.add(r.id());
    }
    return Rebuilder.rebuild(
        graph,
        n -> !softmaxUsers.contains(n.id()) || softmaxKept.contains(n.id()),
        (b, old, ins, rebuilt) -> rewritten.contains(old.id())
            ? Emit.logSoftmax(b, rebuilt.apply(old.input(0).input(0)))
            : null);
  }
}

package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.MultiOutputOp;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.compiler.ops.StandardOps;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Symbolic reverse-mode differentiation: adds to a graph the nodes that compute the gradient of a
 * scalar loss with respect to some of its nodes (symbol-to-symbol, as in TensorFlow). Only nodes
 * on a path from a {@code wrt} node to the loss, through floating-point values, are
 * differentiated; each op's own gradient rule supplies the local step.
 */
public final class Autodiff {
  private Autodiff() {}

  /** {@link #gradients(GraphBuilder, Node, List, String)} under the scope "gradients". */
  public static Map<Node, Node> gradients(GraphBuilder b, Node loss, List<Node> wrt) {
    return gradients(b, loss, wrt, "gradients");
  }

  /**
   * Adds the gradient of {@code loss} with respect to each of {@code wrt} to {@code b}'s graph
   * (which must hold all of them), under name scope {@code scope}. Returns, in {@code wrt}'s
   * order, each node to its gradient: a node of the same type. A node the loss does not depend on
   * gets zeros.
   *
   * @throws ShapeError if the loss is not a floating-point scalar, a wrt node is not
   *     floating-point, or an op on the path has no gradient
   */
  public static Map<Node, Node> gradients(GraphBuilder b, Node loss, List<Node> wrt, String scope) {
    if (!loss.type().dtype().isFloating() || loss.type().rank() != 0) {
      throw new ShapeError("loss '" + loss.name() + "' must be a floating-point scalar, got " + loss.type());
    }
    for (Node w : wrt) {
      if (!w.type().dtype().isFloating()) {
        throw new ShapeError("cannot differentiate with respect to '" + w.name()
            + "': it is " + w.type() + ", not floating-point");
      }
    }
    if (loss.id() >= b.graph().size() || b.graph().node(loss.id()) != loss) {
      throw new IllegalArgumentException("loss " + loss.name() + " is not a node of this graph");
    }
    List<Node> nodes = List.copyOf(b.graph().nodes().subList(0, loss.id() + 1));

    // Forward: nodes that depend on some wrt node through floating-point values.
    Set<Node> fromWrt = new HashSet<>();
    for (Node w : wrt) {
      if (w.id() <= loss.id()) {
        fromWrt.add(w);
      }
    }
    for (Node n : nodes) {
      if (!fromWrt.contains(n) && differentiable(n)) {
        for (Node in : n.inputs()) {
          if (fromWrt.contains(in)) {
            fromWrt.add(n);
            break;
          }
        }
      }
    }
    // Backward: of those, the ones the loss depends on.
    Set<Node> onPath = new HashSet<>();
    if (fromWrt.contains(loss)) {
      onPath.add(loss);
      for (int i = nodes.size() - 1; i >= 0; i--) {
        Node n = nodes.get(i);
        if (onPath.contains(n)) {
          for (Node in : n.inputs()) {
            if (fromWrt.contains(in)) {
              onPath.add(in);
            }
          }
        }
      }
    }

    Map<Node, List<Node>> contributions = new HashMap<>();
    // Gradients of the results of multi-result nodes (cond, whileLoop), by result index.
    Map<Node, List<Node>[]> resultGrads = new HashMap<>();
    Map<Node, Node> totals = new HashMap<>();
    b.pushScope(scope);
    Object outerOrigin = b.setOrigin(loss.origin());
    try {
      if (!onPath.isEmpty()) {
        contributions.put(loss, new ArrayList<>(List.of(Emit.scalar(b, loss.type().dtype(), 1))));
      }
      for (int i = nodes.size() - 1; i >= 0; i--) {
        Node n = nodes.get(i);
        List<Node> parts = contributions.remove(n);
        List<Node>[] perResult = resultGrads.remove(n);
        if ((parts == null && perResult == null) || !onPath.contains(n)) {
          continue;
        }
        b.setOrigin(n.origin());
        boolean scoped = !n.scope().isEmpty();
        if (scoped) {
          b.pushScope(n.scope());
        }
        try {
          List<Node> grads;
          if (n.op() instanceof MultiOutputOp multi) {
            List<Node> dOuts = new ArrayList<>();
            for (List<Node> p : perResult) {
              dOuts.add(p == null ? null : sum(b, p));
            }
            try {
              grads = multi.gradients(b, n, dOuts);
            } catch (ShapeError e) {
              throw located(e, n, loss);
            }
          } else {
            Node total = sum(b, parts);
            totals.put(n, total);
            if (n.op() == StandardOps.OUTPUT) {
              // A result of a multi-result node: its gradient waits for the node itself.
              Node multi = n.input(0);
              @SuppressWarnings("unchecked")
              List<Node>[] slots = resultGrads.computeIfAbsent(multi,
                  m -> new List[((MultiOutputOp) m.op()).outputTypes(m).size()]);
              int index = n.attrs().getInt("index");
              if (slots[index] == null) {
                slots[index] = new ArrayList<>();
              }
              slots[index].add(total);
              continue;
            }
            if (n.inputs().stream().noneMatch(onPath::contains)) {
              continue;
            }
            grads = gradientOf(n, b, total, loss);
          }
          for (int k = 0; k < n.inputs().size(); k++) {
            Node in = n.input(k);
            Node g = k < grads.size() ? grads.get(k) : null;
            if (g == null || !onPath.contains(in)) {
              continue;
            }
            if (!g.type().equals(in.type())) {
              throw new IllegalStateException("gradient rule of " + n.op().name() + " gave " + g.type()
                  + " for input " + k + " of type " + in.type() + " (node " + n.name() + ")");
            }
            contributions.computeIfAbsent(in, x -> new ArrayList<>()).add(g);
          }
        } finally {
          if (scoped) {
            b.popScope();
          }
        }
      }
      b.setOrigin(null);
      Map<Node, Node> result = new LinkedHashMap<>();
      for (Node w : wrt) {
        Node g = totals.get(w);
        result.put(w, g != null ? g : zerosLike(b, w));
      }
      return result;
    } finally {
      b.setOrigin(outerOrigin);
      b.popScope();
    }
  }

  /** Whether gradients flow through {@code n}: floating values, and every multi-result node. */
  private static boolean differentiable(Node n) {
    return n.type().dtype().isFloating() || n.op() instanceof MultiOutputOp;
  }

  private static Node sum(GraphBuilder b, List<Node> parts) {
    Node total = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      total = Emit.add(b, total, parts.get(i));
    }
    return total;
  }

  private static Node zerosLike(GraphBuilder b, Node w) {
    DType dtype = w.type().dtype();
    if (w.shape().isStatic()) {
      return Emit.constant(b, dtype, w.shape(), 0);
    }
    int[] axes = new int[w.shape().rank()];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i;
    }
    return Emit.broadcastLike(b, Emit.scalar(b, dtype, 0), w, axes);
  }

  /** {@code n}'s gradient rule, its errors located at {@code n} for the front end to report. */
  private static List<Node> gradientOf(Node n, GraphBuilder b, Node dOut, Node loss) {
    try {
      return n.op().gradient(b, n, dOut);
    } catch (ShapeError e) {
      throw located(e, n, loss);
    }
  }

  private static ShapeError located(ShapeError e, Node n, Node loss) {
    return e.at(n, "cannot differentiate loss '" + loss.name() + "' through " + n.name() + ": ");
  }
}

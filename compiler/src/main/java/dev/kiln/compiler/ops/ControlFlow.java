package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.MultiOutputOp;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpDef;
import dev.kiln.compiler.ir.Region;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.passes.Autodiff;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Run-time control flow: shorthands that build {@code cond} and {@code whileLoop} nodes from
 * Java functions that fill their regions (as {@link Emit} does for plain ops), and the region
 * plumbing the gradient rules share: inlining a region into another graph, and the
 * vector-Jacobian product of a region by {@link Autodiff} (so a body's gradient is derived by
 * the same pass as the model's).
 */
public final class ControlFlow {
  private ControlFlow() {}

  /** A function filling a region: given its builder and its params, returns its results. */
  @FunctionalInterface
  public interface Body extends BiFunction<RegionBuilder, List<Node>, List<Node>> {}

  // ---- building -----------------------------------------------------------------------------

  /**
   * {@code cond(pred, ifTrue, ifFalse)} in the graph of {@code b} ({@code outer} is the region
   * {@code b} belongs to, or null for a model's graph). Each branch reads outer values through
   * {@link RegionBuilder#read}; returns one node per branch result.
   */
  public static List<Node> cond(GraphBuilder b, RegionBuilder outer, Node pred,
      Function<RegionBuilder, List<Node>> ifTrue, Function<RegionBuilder, List<Node>> ifFalse) {
    Object origin = origin(b);
    Node p = outer != null ? outer.read(pred) : pred;
    RegionBuilder rt = new RegionBuilder(outer, b.graph(), origin);
    List<Node> resT = readAll(rt, ifTrue.apply(rt));
    RegionBuilder rf = new RegionBuilder(outer, b.graph(), origin);
    List<Node> resF = readAll(rf, ifFalse.apply(rf));
    List<Node> caps = union(rt.captured(), rf.captured());
    List<Node> ins = new ArrayList<>();
    ins.add(p);
    ins.addAll(caps);
    Node n = b.apply(StandardOps.IF, Attrs.of("then", rt.finish(resT, caps), "else", rf.finish(resF, caps)), ins);
    return outputs(b, n);
  }

  /**
   * {@code whileLoop(cond, body, init)} in the graph of {@code b}: both functions get the loop
   * variables as params; returns the final value of each loop variable.
   */
  public static List<Node> whileLoop(GraphBuilder b, RegionBuilder outer, List<Node> init,
      BiFunction<RegionBuilder, List<Node>, Node> cond, Body body) {
    Object origin = origin(b);
    List<Node> in = new ArrayList<>();
    for (Node i : init) {
      in.add(outer != null ? outer.read(i) : i);
    }
    RegionBuilder rc = new RegionBuilder(outer, b.graph(), origin);
    List<Node> vc = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      vc.add(rc.param(in.get(i).type(), "loopVar"));
    }
    List<Node> resC = readAll(rc, List.of(cond.apply(rc, vc)));
    RegionBuilder rb = new RegionBuilder(outer, b.graph(), origin);
    List<Node> vb = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      vb.add(rb.param(in.get(i).type(), "loopVar"));
    }
    List<Node> resB = readAll(rb, body.apply(rb, vb));
    List<Node> caps = union(rc.captured(), rb.captured());
    List<Node> ins = new ArrayList<>(in);
    ins.addAll(caps);
    Node n = b.apply(StandardOps.WHILE, Attrs.of("cond", rc.finish(resC, caps),
        "body", rb.finish(resB, caps), "loopVars", in.size(), "record", false), ins);
    return outputs(b, n).subList(0, in.size());
  }

  /** Result {@code index} of the multi-result node {@code node}. */
  public static Node output(GraphBuilder b, Node node, int index) {
    TensorType t = ((MultiOutputOp) node.op()).outputTypes(node).get(index);
    return b.apply(StandardOps.OUTPUT, Attrs.of("index", index, "dtype", t.dtype(), "shape", t.shape()), node);
  }

  /** Every result of {@code node}, as Output nodes. */
  public static List<Node> outputs(GraphBuilder b, Node node) {
    int count = ((MultiOutputOp) node.op()).outputTypes(node).size();
    List<Node> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(output(b, node, i));
    }
    return out;
  }

  /** Row {@code t} (an I32 scalar node) of {@code x}'s first axis. */
  public static Node at(GraphBuilder b, Node x, Node t) {
    return b.apply(StandardOps.AT, Attrs.NONE, x, t);
  }

  /** Zeros like {@code like} with row {@code t} set to {@code v}: the gradient of {@link #at}. */
  public static Node scatterAt(GraphBuilder b, Node v, Node like, Node t) {
    return b.apply(StandardOps.SCATTER_AT, Attrs.NONE, v, like, t);
  }

  /** The length of {@code x}'s first axis as an I32 scalar (symbolic axes are bound at run time). */
  public static Node length(GraphBuilder b, Node x) {
    return Emit.cast(b, Emit.elementCount(b, Emit.cast(b, x, DType.F64), 0), DType.I32);
  }

  // ---- region plumbing ----------------------------------------------------------------------

  /**
   * Copies the nodes {@code r}'s results depend on into {@code b}, with its params bound to
   * {@code args}; returns the copies of its results.
   */
  static List<Node> inline(GraphBuilder b, Region r, List<Node> args) {
    Map<Node, Node> map = new IdentityHashMap<>();
    for (int i = 0; i < r.params().size(); i++) {
      map.put(r.params().get(i), args.get(i));
    }
    for (Node n : Interpreter.closure(r.results())) {
      if (map.containsKey(n)) {
        continue;
      }
      if (n.op() == StandardOps.ARG) {
        throw new IllegalStateException("region Arg " + n.name() + " is not among its params");
      }
      List<Node> ins = new ArrayList<>();
      for (Node in : n.inputs()) {
        ins.add(map.get(in));
      }
      map.put(n, b.copyOf(n, ins));
    }
    return r.results().stream().map(map::get).toList();
  }

  /**
   * The vector-Jacobian product in {@code b}: gradients with respect to {@code wrt} of
   * {@code Σ reduceSum(results[i] · seeds[i])} over the floating results with a seed. Each wrt
   * node gets a gradient of its own type (zeros where nothing flows).
   */
  static List<Node> vjp(GraphBuilder b, List<Node> results, List<Node> seeds, List<Node> wrt) {
    Node objective = null;
    for (int i = 0; i < results.size(); i++) {
      Node r = results.get(i);
      if (seeds.get(i) == null || !r.type().dtype().isFloating()) {
        continue;
      }
      Node term = Emit.reduceSum(b, Emit.mul(b, r, seeds.get(i)), false);
      if (objective != null && term.type().dtype() != objective.type().dtype()) {
        term = Emit.cast(b, term, objective.type().dtype());
      }
      objective = objective == null ? term : Emit.add(b, objective, term);
    }
    if (objective == null) {
      objective = Emit.scalar(b, DType.F64, 0);
    }
    return new ArrayList<>(Autodiff.gradients(b, objective, wrt, "grad").values());
  }

  /** Zeros of {@code like}'s type (broadcast at run time when its shape is symbolic). */
  static Node zerosLike(GraphBuilder b, Node like) {
    DType dtype = like.type().dtype();
    if (like.shape().isStatic()) {
      return Emit.constant(b, dtype, like.shape(), 0);
    }
    int[] axes = new int[like.shape().rank()];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i;
    }
    return Emit.broadcastLike(b, Emit.scalar(b, dtype, 0), like, axes);
  }

  private static List<Node> readAll(RegionBuilder r, List<Node> results) {
    return results.stream().map(r::read).toList();
  }

  private static List<Node> union(List<Node> a, List<Node> b) {
    Set<Node> s = new LinkedHashSet<>(a);
    s.addAll(b);
    return List.copyOf(s);
  }

  private static Object origin(GraphBuilder b) {
    Object o = b.setOrigin(null);
    b.setOrigin(o);
    return o;
  }

  static boolean isControlFlow(OpDef op) {
    return op instanceof MultiOutputOp;
  }
}

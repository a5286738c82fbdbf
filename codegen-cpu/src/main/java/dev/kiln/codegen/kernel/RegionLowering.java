package dev.kiln.codegen.kernel;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.MultiOutputOp;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.Region;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Control flow (If, While and the Output nodes reading their results) for kernel backends. A
 * region is lowered by the entry point's own {@link KernelLowering} into steps nested in a
 * {@link Kernel.Branch} or {@link Kernel.Loop}, so its intermediates share the entry's buffers
 * and workspace (the {@link MemoryPlan} keeps everything a loop touches live through the whole
 * loop). A region's Args are bound to buffers, not copied: captures read the outer value's own
 * buffer; loop variables get buffers of their own that the loop updates. Each result of a
 * control-flow node has a buffer that its Output nodes alias (or copy to a result slot).
 */
final class RegionLowering {
  private RegionLowering() {}

  /** {@code nodes} and, recursively, the nodes the regions of control-flow nodes among them compute. */
  static List<Node> allNodes(Collection<Node> nodes) {
    List<Node> out = new ArrayList<>();
    for (Node n : nodes) {
      out.add(n);
      for (Region r : regions(n)) {
        out.addAll(allNodes(Interpreter.closure(r.results())));
      }
    }
    return out;
  }

  /**
   * The symbols recording loops among {@code nodes} bind when they end (their tapes' first
   * axis): no caller passes them.
   */
  static Set<String> loopSymbols(Collection<Node> nodes) {
    Set<String> out = new LinkedHashSet<>();
    for (Node n : nodes) {
      if (records(n)) {
        out.add(n.attrs().get("steps"));
      }
    }
    return out;
  }

  private static boolean records(Node n) {
    return n.op().name().equals("While") && n.attrs().has("record") && n.attrs().getBool("record");
  }

  private static List<Region> regions(Node n) {
    List<Region> out = new ArrayList<>();
    for (Object v : n.attrs().asMap().values()) {
      if (v instanceof Region r) {
        out.add(r);
      }
    }
    return out;
  }

  /** If: the predicate picks a branch; each branch's results are copied into the node's result buffers. */
  static Kernel branch(KernelLowering l, Node n) {
    List<Buffer> outs = new ArrayList<>();
    List<TensorType> types = ((MultiOutputOp) n.op()).outputTypes(n);
    for (int i = 0; i < types.size(); i++) {
      outs.add(l.temp(synthetic(n, "result" + i, types.get(i))));
    }
    List<Buffer> caps = new ArrayList<>();
    for (Node c : n.inputs().subList(1, n.inputs().size())) {
      caps.add(l.buffer(c));
    }
    Buffer pred = l.buffer(n.input(0));
    List<Kernel> then = region(l, n.attrs().get("then"), caps, outs);
    List<Kernel> otherwise = region(l, n.attrs().get("else"), caps, outs);
    l.controlResults(n, outs);
    return new Kernel.Branch(n, pred, outs, then, otherwise);
  }

  /**
   * While: the loop variables get buffers of their own. The body's next values are copied into
   * them after the whole body has run, through a temporary where a next value is another loop
   * variable (a swap), so no variable is overwritten before it is read.
   *
   * <p>A recording loop's tapes ({@code [steps, ...]}) are sized by a trip count known only when
   * the loop ends, so they cannot have a place in the workspace, whose size the caller computes
   * from the sizes before the call. They are {@link Buffer.Kind#TAPE} buffers instead: the loop
   * appends each iteration's variables to a heap array it grows by doubling (amortized O(1) per
   * step, the loop run once), and the entry point frees them when the call ends. A first pass
   * computing the trip count would run the forward body twice, and the body may draw random
   * numbers, which a second pass would draw differently.
   */
  static Kernel loop(KernelLowering l, Node n) {
    int count = n.attrs().getInt("loopVars");
    List<TensorType> types = ((MultiOutputOp) n.op()).outputTypes(n);
    List<Buffer> vars = new ArrayList<>();
    List<Kernel> init = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Buffer v = l.temp(synthetic(n, "var" + i, types.get(i)));
      vars.add(v);
      init.add(new Kernel.Copy(n.input(i), v, l.buffer(n.input(i))));
    }
    List<Buffer> args = new ArrayList<>(vars);
    for (Node c : n.inputs().subList(count, n.inputs().size())) {
      args.add(l.buffer(c));
    }
    Buffer more = l.temp(synthetic(n, "more", TensorType.scalar(DType.BOOL)));
    List<Kernel> cond = region(l, n.attrs().get("cond"), args, List.of(more));

    Region bodyRegion = n.attrs().get("body");
    List<Kernel> body = lowerRegion(l, bodyRegion, args, Map.of());
    List<Buffer> next = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Node res = bodyRegion.results().get(i);
      Buffer src = l.buffer(res);
      if (src != vars.get(i) && vars.contains(src)) {
        Buffer tmp = l.temp(synthetic(n, "next" + i, types.get(i)));
        body.add(new Kernel.Copy(res, tmp, src));
        src = tmp;
      }
      next.add(src);
    }
    for (int i = 0; i < count; i++) {
      if (next.get(i) != vars.get(i)) { // an unchanged variable needs no copy
        body.add(new Kernel.Copy(bodyRegion.results().get(i), vars.get(i), next.get(i)));
      }
    }

    List<Buffer> results = new ArrayList<>(vars);
    List<Buffer> tapes = new ArrayList<>();
    Buffer trips = null;
    String steps = null;
    if (records(n)) {
      steps = n.attrs().get("steps");
      trips = l.temp(synthetic(n, "trips", types.get(count)));
      results.add(trips);
      for (int i = 0; i < count; i++) {
        Buffer t = l.tape(synthetic(n, "tape" + i, types.get(count + 1 + i)));
        tapes.add(t);
        results.add(t);
      }
    }
    l.controlResults(n, results);
    return new Kernel.Loop(n, vars, init, cond, more, body, tapes, trips, steps);
  }

  /**
   * Output: result {@code index} of its control-flow node, whose buffer it shares, or copied into
   * the caller's buffer when the Output is a result of the entry point.
   */
  static Kernel output(KernelLowering l, Node n) {
    Buffer src = l.controlResult(n.input(0), n.attrs().getInt("index"));
    Buffer own = l.bound(n);
    if (own == null) {
      l.bind(n, src);
      return new Kernel.Alias(n, src);
    }
    return new Kernel.Copy(n, own, src);
  }

  /**
   * The steps of {@code r} with its params bound to {@code args}, leaving its results in
   * {@code outs}: a result its region computes is computed straight into its out; others (a
   * param, a constant, a view, a result listed twice) are copied there at the end.
   */
  private static List<Kernel> region(KernelLowering l, Region r, List<Buffer> args, List<Buffer> outs) {
    Map<Node, Buffer> direct = new IdentityHashMap<>();
    for (int i = 0; i < outs.size(); i++) {
      Node res = r.results().get(i);
      String op = res.op().name();
      boolean computed = res.op().kind() != OpKind.SOURCE && !op.equals("Reshape") && !op.equals("ControlDependency");
      if (computed && !direct.containsKey(res)) {
        direct.put(res, outs.get(i));
      }
    }
    List<Kernel> steps = lowerRegion(l, r, args, direct);
    for (int i = 0; i < outs.size(); i++) {
      Node res = r.results().get(i);
      if (l.buffer(res) != outs.get(i)) {
        steps.add(new Kernel.Copy(res, outs.get(i), l.buffer(res)));
      }
    }
    return steps;
  }

  /**
   * The steps of {@code r}'s nodes, its params bound to {@code args} and the nodes of
   * {@code direct} computed into the buffers given. Bindings of a previous lowering of the same
   * region are dropped first: a recording loop shares its regions with the plain loop it twins,
   * and each must compute into buffers bound to its own variables.
   */
  private static List<Kernel> lowerRegion(KernelLowering l, Region r, List<Buffer> args, Map<Node, Buffer> direct) {
    List<Node> schedule = Interpreter.closure(r.results());
    for (Node n : schedule) {
      l.unbind(n);
    }
    for (int i = 0; i < r.params().size(); i++) {
      l.bind(r.params().get(i), args.get(i));
    }
    direct.forEach(l::bind);
    return l.lowerNodes(schedule, r.results());
  }

  /** A node of {@code type} naming a buffer that no graph node owns (a loop variable, a result). */
  private static Node synthetic(Node owner, String what, TensorType type) {
    GraphBuilder b = new GraphBuilder();
    return Emit.placeholder(b, owner.name().replaceAll("[^A-Za-z0-9_.]", "_") + "." + what, type.dtype(),
        type.shape());
  }
}

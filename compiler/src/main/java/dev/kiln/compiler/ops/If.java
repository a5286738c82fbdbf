package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.MultiOutputOp;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.Region;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cond}: runs one of two regions, chosen by a BOOL scalar known only at run time.
 * Inputs: the predicate, then the captured values (params of both branches, in order).
 * Attributes {@code then} and {@code else} are the branch regions; both give results of equal
 * types, which are this op's results.
 */
final class If implements MultiOutputOp {
  @Override
  public String name() {
    return "If";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    return outputTypes(inputs, attrs).getFirst();
  }

  @Override
  public List<TensorType> outputTypes(List<TensorType> inputs, Attrs attrs) {
    TensorType pred = inputs.getFirst();
    if (pred.dtype() != DType.BOOL || pred.rank() != 0) {
      throw new ShapeError("cond: the predicate must be a bool scalar, got " + pred);
    }
    Region t = attrs.get("then");
    Region e = attrs.get("else");
    List<TensorType> tt = t.resultTypes();
    List<TensorType> et = e.resultTypes();
    if (tt.size() != et.size() || tt.isEmpty()) {
      throw new ShapeError("cond: the true branch gives " + tt.size() + " tensors and the false branch "
          + et.size() + "; both must give the same number, at least one");
    }
    for (int i = 0; i < tt.size(); i++) {
      if (!tt.get(i).equals(et.get(i))) {
        throw new ShapeError("cond: branches disagree" + (tt.size() > 1 ? " on result " + i : "")
            + ": the true branch gives " + tt.get(i) + " and the false branch " + et.get(i));
      }
    }
    return tt;
  }

  @Override
  public List<Node> gradients(GraphBuilder b, Node node, List<Node> dOuts) {
    List<Node> caps = node.inputs().subList(1, node.inputs().size());
    List<TensorType> outs = outputTypes(node);
    List<Node> seeds = new ArrayList<>();
    for (int i = 0; i < outs.size(); i++) {
      if (outs.get(i).dtype().isFloating()) {
        Node d = dOuts.get(i);
        seeds.add(d != null ? d : ControlFlow.zerosLike(b, ControlFlow.output(b, node, i)));
      }
    }
    List<Integer> wrt = new ArrayList<>();
    for (int j = 0; j < caps.size(); j++) {
      if (caps.get(j).type().dtype().isFloating()) {
        wrt.add(j);
      }
    }
    List<Node> grads = new ArrayList<>();
    grads.add(null); // the predicate
    if (wrt.isEmpty() || seeds.isEmpty()) {
      caps.forEach(c -> grads.add(null));
      return grads;
    }
    Region tg = gradientRegion(node.attrs().get("then"), caps, seeds, wrt);
    Region eg = gradientRegion(node.attrs().get("else"), caps, seeds, wrt);
    List<Node> ins = new ArrayList<>();
    ins.add(node.input(0));
    ins.addAll(caps);
    ins.addAll(seeds);
    Node g = b.apply(this, Attrs.of("then", tg, "else", eg), ins);
    int k = 0;
    for (int j = 0; j < caps.size(); j++) {
      grads.add(wrt.contains(j) ? ControlFlow.output(b, g, k++) : null);
    }
    return grads;
  }

  /**
   * A branch's gradient as a region of its own: params are the captures then the seeds (the
   * gradients of the floating results); results are the gradients of the {@code wrt} captures.
   */
  private static Region gradientRegion(Region branch, List<Node> caps, List<Node> seeds, List<Integer> wrt) {
    GraphBuilder g = new GraphBuilder();
    List<Node> params = new ArrayList<>();
    for (Node c : caps) {
      params.add(RegionBuilder.arg(g, c.type(), "captured"));
    }
    List<Node> seedArgs = new ArrayList<>();
    for (Node s : seeds) {
      seedArgs.add(RegionBuilder.arg(g, s.type(), "seed"));
    }
    List<Node> results = ControlFlow.inline(g, branch, params);
    List<Node> alignedSeeds = new ArrayList<>();
    int s = 0;
    for (Node r : results) {
      alignedSeeds.add(r.type().dtype().isFloating() ? seedArgs.get(s++) : null);
    }
    List<Node> wrtNodes = wrt.stream().map(params::get).toList();
    List<Node> grads = ControlFlow.vjp(g, results, alignedSeeds, wrtNodes);
    List<Node> all = new ArrayList<>(params);
    all.addAll(seedArgs);
    return new Region(g.graph(), all, grads);
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Region r = attrs.get(inputs.getFirst().get(0) != 0 ? "then" : "else");
    return Tuples.pack(RegionEval.run(r, inputs.subList(1, inputs.size()), ctx));
  }

  /** Moves data without arithmetic, so f16/bf16 pass through (see OpDef). */
  @Override
  public boolean acceptsStorageTypes() {
    return true;
  }
}

package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.MultiOutputOp;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.Region;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code whileLoop}: loop variables updated by a body region while a condition region gives
 * true; the trip count is known only at run time. Inputs: the initial value of each of the
 * {@code loopVars} loop variables, then the captured values (params of both regions after the
 * loop variables). Attributes {@code cond} (results: one BOOL scalar) and {@code body} (results:
 * the next value of every loop variable, each of its variable's exact type).
 *
 * <p>With {@code record=true} (built by the gradient rule) the loop also keeps a tape for
 * back-propagation through time: results are the final loop variables, the trip count (I32
 * scalar), then per loop variable the stack of its value at the start of every iteration, of
 * shape {@code [steps, ...]} where {@code steps} (attribute {@code steps}) is a symbol bound to
 * the trip count when the loop has run.
 */
final class While implements MultiOutputOp {
  @Override
  public String name() {
    return "While";
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
    int n = attrs.getInt("loopVars");
    Region cond = attrs.get("cond");
    Region body = attrs.get("body");
    List<TensorType> vars = inputs.subList(0, n);
    if (n == 0) {
      throw new ShapeError("whileLoop: needs at least one loop variable");
    }
    List<TensorType> c = cond.resultTypes();
    if (c.size() != 1 || c.getFirst().dtype() != DType.BOOL || c.getFirst().rank() != 0) {
      throw new ShapeError("whileLoop: the condition must give a bool scalar, got "
          + (c.size() == 1 ? c.getFirst().toString() : c.size() + " tensors"));
    }
    List<TensorType> r = body.resultTypes();
    if (r.size() != n) {
      throw new ShapeError("whileLoop: the body gives " + r.size() + " tensors for " + n + " loop variables");
    }
    for (int i = 0; i < n; i++) {
      if (!r.get(i).equals(vars.get(i))) {
        throw new ShapeError("whileLoop: body changes loop variable " + i + " from " + vars.get(i)
            + " to " + r.get(i));
      }
    }
    List<TensorType> out = new ArrayList<>(vars);
    if (attrs.has("record") && attrs.getBool("record")) {
      out.add(TensorType.scalar(DType.I32));
      Dim steps = Dim.symbol(attrs.get("steps"));
      for (TensorType v : vars) {
        List<Dim> dims = new ArrayList<>();
        dims.add(steps);
        dims.addAll(v.shape().dims());
        out.add(new TensorType(v.dtype(), new Shape(dims)));
      }
    }
    return out;
  }

  /**
   * Back-propagation through time: a recording twin of this loop gives the tape and the trip
   * count; a reversed loop then walks the tape from the last iteration to the first, each step
   * re-running the body on that iteration's inputs and applying the body's own gradient (Autodiff
   * of the body region), accumulating the captured values' gradients as it goes.
   */
  @Override
  public List<Node> gradients(GraphBuilder b, Node node, List<Node> dOuts) {
    Attrs attrs = node.attrs();
    int n = attrs.getInt("loopVars");
    Region body = attrs.get("body");
    List<Node> inits = node.inputs().subList(0, n);
    List<Node> caps = node.inputs().subList(n, node.inputs().size());
    List<Integer> fv = floating(inits);
    List<Integer> fc = floating(caps);
    List<Node> grads = new ArrayList<>();
    if (fv.isEmpty()) {
      node.inputs().forEach(x -> grads.add(null));
      return grads;
    }
    String steps = "steps_" + node.name().replaceAll("[^A-Za-z0-9_]", "_");
    Node rec = b.apply(this, attrs.with("record", true).with("steps", steps), node.inputs());
    Node tripCount = ControlFlow.output(b, rec, n);
    List<Node> tapes = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      tapes.add(ControlFlow.output(b, rec, n + 1 + k));
    }

    // Backward loop variables: the step counter, the gradient of each floating loop variable,
    // the gradient accumulated so far for each floating capture. Captures: tapes, then captures.
    List<Node> bInit = new ArrayList<>();
    bInit.add(tripCount);
    for (int k : fv) {
      Node d = dOuts.get(k);
      bInit.add(d != null ? d : ControlFlow.zerosLike(b, inits.get(k)));
    }
    for (int j : fc) {
      bInit.add(ControlFlow.zerosLike(b, caps.get(j)));
    }
    List<Node> bCaps = new ArrayList<>(tapes);
    bCaps.addAll(caps);

    // Condition: steps remain.
    GraphBuilder cg = new GraphBuilder();
    List<Node> cParams = args(cg, bInit, bCaps);
    Node more = Emit.greater(cg, cParams.getFirst(), Emit.scalar(cg, DType.I32, 0));
    Region condRegion = new Region(cg.graph(), cParams, List.of(more));

    // Body: step t-1 of the tape, re-run the forward body there, apply its gradient.
    GraphBuilder bg = new GraphBuilder();
    List<Node> p = args(bg, bInit, bCaps);
    Node t = Emit.sub(bg, p.getFirst(), Emit.scalar(bg, DType.I32, 1));
    int at = bInit.size();
    List<Node> vAt = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      vAt.add(ControlFlow.at(bg, p.get(at + k), t));
    }
    List<Node> capArgs = p.subList(at + n, p.size());
    List<Node> fwdArgs = new ArrayList<>(vAt);
    fwdArgs.addAll(capArgs);
    List<Node> next = ControlFlow.inline(bg, body, fwdArgs);
    List<Node> seeds = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      int idx = fv.indexOf(k);
      seeds.add(idx >= 0 ? p.get(1 + idx) : null);
    }
    List<Node> wrt = new ArrayList<>();
    fv.forEach(k -> wrt.add(vAt.get(k)));
    fc.forEach(j -> wrt.add(capArgs.get(j)));
    List<Node> g = ControlFlow.vjp(bg, next, seeds, wrt);
    List<Node> bResults = new ArrayList<>();
    bResults.add(t);
    bResults.addAll(g.subList(0, fv.size()));
    for (int i = 0; i < fc.size(); i++) {
      bResults.add(Emit.add(bg, p.get(1 + fv.size() + i), g.get(fv.size() + i)));
    }
    Region bodyRegion = new Region(bg.graph(), p, bResults);

    List<Node> ins = new ArrayList<>(bInit);
    ins.addAll(bCaps);
    Node back = b.apply(this, Attrs.of("cond", condRegion, "body", bodyRegion,
        "loopVars", bInit.size(), "record", false), ins);
    for (int k = 0; k < n; k++) {
      int idx = fv.indexOf(k);
      grads.add(idx >= 0 ? ControlFlow.output(b, back, 1 + idx) : null);
    }
    for (int j = 0; j < caps.size(); j++) {
      int idx = fc.indexOf(j);
      grads.add(idx >= 0 ? ControlFlow.output(b, back, 1 + fv.size() + idx) : null);
    }
    return grads;
  }

  private static List<Integer> floating(List<Node> xs) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < xs.size(); i++) {
      if (xs.get(i).type().dtype().isFloating()) {
        out.add(i);
      }
    }
    return out;
  }

  private static List<Node> args(GraphBuilder g, List<Node> vars, List<Node> caps) {
    List<Node> ps = new ArrayList<>();
    for (Node v : vars) {
      ps.add(RegionBuilder.arg(g, v.type(), "loopVar"));
    }
    for (Node c : caps) {
      ps.add(RegionBuilder.arg(g, c.type(), "captured"));
    }
    return ps;
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    int n = attrs.getInt("loopVars");
    Region cond = attrs.get("cond");
    Region body = attrs.get("body");
    boolean record = attrs.has("record") && attrs.getBool("record");
    List<Value> vars = new ArrayList<>(inputs.subList(0, n));
    List<Value> caps = inputs.subList(n, inputs.size());
    List<List<Value>> tape = new ArrayList<>();
    while (RegionEval.run(cond, concat(vars, caps), ctx).getFirst().get(0) != 0) {
      if (record) {
        tape.add(List.copyOf(vars));
      }
      vars = new ArrayList<>(RegionEval.run(body, concat(vars, caps), ctx));
    }
    List<Value> out = new ArrayList<>(vars);
    if (record) {
      out.add(Value.scalar(DType.I32, tape.size()));
      for (int k = 0; k < n; k++) {
        Value v0 = inputs.get(k);
        int[] shape = new int[v0.rank() + 1];
        shape[0] = tape.size();
        System.arraycopy(v0.shape(), 0, shape, 1, v0.rank());
        double[] data = new double[Value.sizeOf(shape)];
        for (int s = 0; s < tape.size(); s++) {
          System.arraycopy(tape.get(s).get(k).data(), 0, data, s * v0.size(), v0.size());
        }
        out.add(new Value(v0.dtype(), shape, data));
      }
    }
    return Tuples.pack(out);
  }

  private static List<Value> concat(List<Value> a, List<Value> b) {
    List<Value> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** Moves data without arithmetic, so f16/bf16 pass through (see OpDef). */
  @Override
  public boolean acceptsStorageTypes() {
    return true;
  }
}

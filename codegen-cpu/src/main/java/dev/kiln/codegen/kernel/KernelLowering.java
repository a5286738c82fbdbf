package dev.kiln.codegen.kernel;

import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.compiler.ops.Windows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Lowers an entry point's schedule to {@link Kernel}s, for any target: elementwise groups (the
 * shared {@link Fusion} decision) become {@link Kernel.Map} loops with scalar expression bodies;
 * every other op goes through {@link #LOWERINGS}, the one table of how non-elementwise ops lower.
 * Reshapes and control dependencies share their input's buffer. A result is computed straight
 * into the caller's buffer when it can be, else copied there at the end. Control flow nests its
 * regions' kernels in its own ({@link RegionLowering}).
 */
public final class KernelLowering {
  /** Builds the kernel of one non-elementwise node. */
  @FunctionalInterface
  interface Lowerer {
    Kernel lower(KernelLowering l, Node n);
  }

  /** How each non-elementwise op lowers; the ops missing here have no kernel on kernel backends. */
  static final Map<String, Lowerer> LOWERINGS = new LinkedHashMap<>();

  static {
    LOWERINGS.put("Reshape", (l, n) -> new Kernel.Alias(n, l.buffer(n)));
    LOWERINGS.put("ControlDependency", (l, n) -> new Kernel.Alias(n, l.buffer(n)));
    LOWERINGS.put("MatMul", KernelLowering::matmul);
    for (String op : List.of("ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd")) {
      LOWERINGS.put(op, KernelLowering::reduction);
    }
    LOWERINGS.put("SumToShape", KernelLowering::sumToShape);
    LOWERINGS.put("ArgMax", (l, n) -> l.argExtremum(n, false));
    LOWERINGS.put("ArgMin", (l, n) -> l.argExtremum(n, true));
    LOWERINGS.put("Softmax", (l, n) -> l.softmax(n, false));
    LOWERINGS.put("LogSoftmax", (l, n) -> l.softmax(n, true));
    LOWERINGS.put("SoftmaxCrossEntropyWithLogits", KernelLowering::softmaxCrossEntropy);
    LOWERINGS.put("BroadcastLike", KernelLowering::broadcastLike);
    LOWERINGS.put("Transpose", KernelLowering::transpose);
    LOWERINGS.put("ElementCount", KernelLowering::elementCount);
    LOWERINGS.put("Conv2D", (l, n) -> l.window(n, Kernel.WindowOp.CONV));
    LOWERINGS.put("Conv2DBackpropInput", (l, n) -> l.window(n, Kernel.WindowOp.CONV_INPUT));
    LOWERINGS.put("Conv2DBackpropFilter", (l, n) -> l.window(n, Kernel.WindowOp.CONV_FILTER));
    LOWERINGS.put("MaxPool", (l, n) -> l.window(n, Kernel.WindowOp.MAX_POOL));
    LOWERINGS.put("MaxPoolGrad", (l, n) -> l.window(n, Kernel.WindowOp.MAX_POOL_GRAD));
    LOWERINGS.put("AvgPool", (l, n) -> l.window(n, Kernel.WindowOp.AVG_POOL));
    LOWERINGS.put("AvgPoolGrad", (l, n) -> l.window(n, Kernel.WindowOp.AVG_POOL_GRAD));
    LOWERINGS.put("Slice", KernelLowering::slice);
    LOWERINGS.put("Unslice", KernelLowering::unslice);
    LOWERINGS.put("Concat", KernelLowering::concat);
    LOWERINGS.put("Gather", (l, n) -> l.gather(n, false));
    LOWERINGS.put("ScatterAdd", (l, n) -> l.gather(n, true));
    LOWERINGS.put("BatchMatMul", KernelLowering::batchMatmul);
    LOWERINGS.put("MatrixInverse", (l, n) -> new Kernel.MatrixInverse(n, l.buffer(n), l.buffer(n.input(0)),
        n.shape().dim(0)));
    LOWERINGS.put("Shape", (l, n) -> new Kernel.ShapeOf(n, l.buffer(n), n.input(0).shape().dims()));
    // Random ops draw from the entry point's generator (see seedGenerator); a fetch's dropout
    // mask is ones, as the reference outside training.
    LOWERINGS.put("RandomUniform", (l, n) -> l.random(n, Kernel.Draw.UNIFORM));
    LOWERINGS.put("RandomNormal", (l, n) -> l.random(n, Kernel.Draw.NORMAL));
    LOWERINGS.put("TruncatedNormal", (l, n) -> l.random(n, Kernel.Draw.TRUNCATED_NORMAL));
    LOWERINGS.put("RandomShuffle", (l, n) -> l.random(n, Kernel.Draw.SHUFFLE));
    LOWERINGS.put("DropoutMask", (l, n) -> l.training() ? l.random(n, Kernel.Draw.DROPOUT)
        : new Kernel.Map(List.of(n), l.buffer(n), n.shape().dims(),
            List.of(new Kernel.Let(n, new ScalarExpr.Literal(n.type().dtype(), 1)))));
    // State writes update the variable's own buffer (see writesInPlace).
    for (String op : List.of("Assign", "AssignAdd", "AssignSub")) {
      LOWERINGS.put(op, (l, n) -> new Kernel.Write(n, l.buffer(n), l.buffer(n.input(1))));
    }
    // Row t of a run-time index: a one-index gather, and its gradient a one-index scatter.
    LOWERINGS.put("At", (l, n) -> l.row(n, n.input(0), n.input(0), n.input(1), false));
    LOWERINGS.put("ScatterAt", (l, n) -> l.row(n, n.input(0), n.input(1), n.input(2), true));
    // Control flow: regions lower into steps nested in the If/While kernel (see RegionLowering).
    LOWERINGS.put("If", RegionLowering::branch);
    LOWERINGS.put("While", RegionLowering::loop);
    LOWERINGS.put("Output", RegionLowering::output);
    LOWERINGS.put("SparseMatMul", (l, n) -> l.sparse(n, Kernel.SparseOp.MATMUL));
    LOWERINGS.put("SparseMatMulValuesGrad", (l, n) -> l.sparse(n, Kernel.SparseOp.MATMUL_VALUES_GRAD));
    LOWERINGS.put("SparseToDense", (l, n) -> l.sparse(n, Kernel.SparseOp.TO_DENSE));
    LOWERINGS.put("SparseGather", (l, n) -> l.sparse(n, Kernel.SparseOp.GATHER));
  }

  /** The ops that draw from the generator (DropoutMask only in a training step). */
  private static final Set<String> RANDOM = Set.of("RandomUniform", "RandomNormal", "TruncatedNormal",
      "RandomShuffle", "DropoutMask");

  /** The non-elementwise ops this lowering handles, and Arg (a region's param, bound by its op). */
  public static Set<String> loweredOps() {
    Set<String> ops = new LinkedHashSet<>(LOWERINGS.keySet());
    ops.add("Arg");
    return ops;
  }

  private final CompiledModel model;
  private final EntryPoint ep;
  private final Predicate<String> elementwiseSupported;
  private final Map<Node, Buffer> buffers = new HashMap<>();
  private final List<Buffer> slots = new ArrayList<>();
  private final List<Buffer> temps = new ArrayList<>();
  private final List<Buffer> constants = new ArrayList<>();
  private final Map<Node, Integer> resultSlot = new HashMap<>();
  private final Map<Node, List<Buffer>> controlResults = new HashMap<>();
  /** Symbols bound when a recording loop ends (its tapes' first axis), not by the caller. */
  private Set<String> loopSymbols = Set.of();
  private final List<Kernel> prologue = new ArrayList<>();
  private Buffer generator;
  private int nextId;

  private KernelLowering(CompiledModel model, EntryPoint ep, Predicate<String> elementwiseSupported) {
    this.model = model;
    this.ep = ep;
    this.elementwiseSupported = elementwiseSupported;
  }

  /**
   * Lowers {@code ep}; throws {@link UnsupportedOperationException} naming the first op with no
   * kernel ({@code elementwiseSupported} says which elementwise ops the target renders).
   */
  public static KernelProgram lower(CompiledModel model, EntryPoint ep, Predicate<String> elementwiseSupported) {
    return new KernelLowering(model, ep, elementwiseSupported).run();
  }

  /** {@code nodes} and the nodes of the regions of the control-flow nodes among them, recursively. */
  public static List<Node> withRegions(List<Node> nodes) {
    return RegionLowering.allNodes(nodes);
  }

  /** The nodes an entry point hands out, in result-slot order: its output, then its gradients. */
  public static List<Node> results(EntryPoint ep) {
    List<Node> r = new ArrayList<>();
    r.add(ep.output());
    r.addAll(ep.gradients().values());
    return r;
  }

  private KernelProgram run() {
    List<Node> all = RegionLowering.allNodes(ep.schedule());
    loopSymbols = RegionLowering.loopSymbols(all);
    for (Node n : all) {
      String op = n.op().name();
      boolean ok = n.op().kind() == OpKind.SOURCE
          ? op.equals("Placeholder") || op.equals("Variable") || op.equals("Const") || op.equals("Arg")
          : n.op().kind() == OpKind.ELEMENTWISE ? elementwiseSupported.test(op) : LOWERINGS.containsKey(op);
      if (!ok) {
        throw new UnsupportedOperationException("entry point " + ep.name() + ": no kernel for op "
            + op + " (node " + n.name() + ")");
      }
    }
    List<String> symbols = symbols();
    // Slots: inputs, variables, results.
    for (Node in : ep.inputs()) {
      Buffer b = new Buffer(nextId++, in, Buffer.Kind.INPUT, slots.size());
      slots.add(b);
      buffers.put(in, b);
    }
    for (Node p : model.params()) {
      Buffer b = new Buffer(nextId++, p, Buffer.Kind.PARAM, slots.size());
      slots.add(b);
      buffers.put(p, b);
    }
    for (Node s : ep.schedule()) {
      if (s.op().name().equals("Variable") && !buffers.containsKey(s)) {
        // The schedule may hold an equal variable node of a rebuilt graph: match by id.
        for (Node p : model.params()) {
          if (p.id() == s.id()) {
            buffers.put(s, buffers.get(p));
          }
        }
      }
    }
    if (draws()) {
      symbols.add(KernelProgram.SEED);
      seedGenerator();
    }
    writesInPlace();
    List<Node> results = results(ep);
    Map<Node, Node> owner = owners();
    List<Buffer> resultBuffers = new ArrayList<>();
    List<Integer> copies = new ArrayList<>();
    for (int r = 0; r < results.size(); r++) {
      Node res = results.get(r);
      Buffer b = new Buffer(nextId++, res, Buffer.Kind.RESULT, slots.size());
      slots.add(b);
      resultBuffers.add(b);
      Node o = owner.get(res);
      if (o != null && o.op().kind() != OpKind.SOURCE && !isWrite(o) && !resultSlot.containsKey(o)) {
        resultSlot.put(o, r);
        buffers.put(o, new Buffer(b.id(), o, Buffer.Kind.RESULT, b.slot()));
      } else {
        copies.add(r);
      }
    }
    List<Kernel> steps = new ArrayList<>(prologue);
    steps.addAll(lowerNodes(ep.schedule(), results));
    for (int r : copies) {
      Node res = results.get(r);
      steps.add(new Kernel.Copy(res, resultBuffers.get(r), buffer(res)));
    }
    return new KernelProgram(ep, slots, symbols, steps, temps, constants);
  }

  /**
   * The kernels of {@code schedule} (the entry point's, or a region's), fusing elementwise groups;
   * {@code keep} are the nodes whose values leave it (results), never fused away.
   */
  List<Kernel> lowerNodes(List<Node> schedule, java.util.Collection<Node> keep) {
    Map<Node, Node> groupOf = Fusion.plan(schedule, keep);
    List<Kernel> steps = new ArrayList<>();
    for (Node n : schedule) {
      if (n.op().kind() == OpKind.SOURCE) {
        continue;
      }
      if (n.op().kind() == OpKind.ELEMENTWISE) {
        if (groupOf.get(n) == n) {
          steps.add(group(n, groupOf, schedule));
        }
        continue;
      }
      steps.add(LOWERINGS.get(n.op().name()).lower(this, n));
    }
    return steps;
  }

  /** A new workspace buffer for {@code node}, a value no graph node of the schedule owns. */
  Buffer temp(Node node) {
    Buffer b = new Buffer(nextId++, node, Buffer.Kind.TEMP, -1);
    temps.add(b);
    return b;
  }

  /** A new tape buffer (see {@link Buffer.Kind#TAPE}) for {@code node}. */
  Buffer tape(Node node) {
    return new Buffer(nextId++, node, Buffer.Kind.TAPE, -1);
  }

  /** The buffer already holding {@code n}'s value, or null. */
  Buffer bound(Node n) {
    return buffers.get(n);
  }

  void bind(Node n, Buffer b) {
    buffers.put(n, b);
  }

  void unbind(Node n) {
    buffers.remove(n);
  }

  /** Records the buffer of each result of a control-flow node, for its Output nodes. */
  void controlResults(Node n, List<Buffer> results) {
    controlResults.put(n, List.copyOf(results));
  }

  Buffer controlResult(Node n, int index) {
    List<Buffer> r = controlResults.get(n);
    if (r == null) {
      throw new IllegalStateException("entry point " + ep.name() + ": Output of " + n.name()
          + ", which is not lowered before it");
    }
    return r.get(index);
  }

  private boolean training() {
    return ep.kind() == EntryPoint.Kind.TRAIN;
  }

  /** Whether some scheduled op draws random numbers. */
  private boolean draws() {
    for (Node n : RegionLowering.allNodes(ep.schedule())) {
      if (RANDOM.contains(n.op().name()) && (training() || !n.op().name().equals("DropoutMask"))) {
        return true;
      }
    }
    return false;
  }

  /** The generator state (one i64), set from the caller's seed before any kernel draws. */
  private void seedGenerator() {
    dev.kiln.compiler.ir.GraphBuilder b = new dev.kiln.compiler.ir.GraphBuilder();
    Node state = dev.kiln.compiler.ops.Emit.placeholder(b, "generator", dev.kiln.dsl.DType.I64,
        dev.kiln.compiler.ir.Shape.of(1));
    generator = new Buffer(nextId++, state, Buffer.Kind.TEMP, -1);
    temps.add(generator);
    prologue.add(new Kernel.SeedGenerator(generator));
  }

  private Kernel random(Node n, Kernel.Draw draw) {
    return new Kernel.Random(n, buffer(n), generator, draw == Kernel.Draw.SHUFFLE ? buffer(n.input(0)) : null,
        draw);
  }

  /** Whether {@code n} writes a variable (its input 0 is the variable's node). */
  static boolean isWrite(Node n) {
    return n.op().name().startsWith("Assign") && n.attrs().has("variable");
  }

  /**
   * A write's value lives in the variable's own buffer, updated in place (the caller copies it
   * back). Other readers of the variable's node see its value before the write, so when there
   * are any the entry point first copies the variable and they read the copy.
   */
  private void writesInPlace() {
    for (Node w : ep.schedule()) {
      if (!isWrite(w)) {
        continue;
      }
      Node variable = w.input(0);
      Buffer live = buffers.get(variable);
      buffers.put(w, live);
      boolean readElsewhere = results(ep).contains(variable);
      for (Node n : ep.schedule()) {
        for (int i = 0; i < n.inputs().size(); i++) {
          readElsewhere |= n.input(i) == variable && !(isWrite(n) && i == 0);
        }
      }
      if (readElsewhere) {
        Buffer before = new Buffer(nextId++, variable, Buffer.Kind.TEMP, -1);
        temps.add(before);
        buffers.put(variable, before);
        prologue.add(new Kernel.Copy(variable, before, live));
      }
    }
  }

  /** The param slots of the variables {@code program} writes, in slot order. */
  public static List<Integer> writtenSlots(KernelProgram program) {
    Set<Integer> slots = new java.util.TreeSet<>();
    for (Kernel k : program.allSteps()) {
      if (k instanceof Kernel.Write w) {
        slots.add(w.out().slot());
      }
    }
    return new ArrayList<>(slots);
  }

  /**
   * At (x, t) as a gather of row t of {@code table}; ScatterAt (v, like, t) as zeros of like's
   * shape with v added at row t ({@code table} is then v, {@code like} the shape).
   */
  private Kernel row(Node n, Node table, Node like, Node t, boolean scatter) {
    List<Dim> dims = like.shape().dims();
    return new Kernel.Gather(n, buffer(n), buffer(table), buffer(t), Size.ONE, dims.getFirst(),
        Size.of(dims.subList(1, dims.size())), scatter);
  }

  /** Symbols in order of first appearance in the inputs' shapes; every scheduled one must be bound. */
  private List<String> symbols() {
    Set<String> bound = new LinkedHashSet<>();
    for (Node in : ep.inputs()) {
      for (Dim d : in.shape().dims()) {
        if (!d.isStatic()) {
          bound.add(d.symbol());
        }
      }
    }
    for (Node n : RegionLowering.allNodes(ep.schedule())) {
      for (Dim d : n.shape().dims()) {
        if (!d.isStatic() && !bound.contains(d.symbol()) && !loopSymbols.contains(d.symbol())) {
          throw new IllegalStateException("entry point " + ep.name() + ": node " + n.name()
              + " has the dimension " + d.symbol() + ", which none of its inputs binds");
        }
      }
    }
    return new ArrayList<>(bound);
  }

  /** The node whose buffer holds each node's value (itself, or a view's source). */
  private Map<Node, Node> owners() {
    Map<Node, Node> owner = new HashMap<>();
    for (Node n : ep.schedule()) {
      String op = n.op().name();
      owner.put(n, op.equals("Reshape") || op.equals("ControlDependency")
          ? owner.getOrDefault(n.input(0), n.input(0)) : n);
    }
    return owner;
  }

  /** The buffer holding {@code n}'s value, created (TEMP or CONST) on first use. */
  Buffer buffer(Node n) {
    Buffer b = buffers.get(n);
    if (b != null) {
      return b;
    }
    String op = n.op().name();
    if (op.equals("Reshape") || op.equals("ControlDependency")) {
      b = buffer(n.input(0));
    } else if (op.equals("Const")) {
      b = new Buffer(nextId++, n, Buffer.Kind.CONST, -1);
      constants.add(b);
    } else if (n.op().kind() == OpKind.SOURCE) {
      throw new IllegalStateException("entry point " + ep.name() + " reads " + n.name()
          + " but does not list it among its inputs");
    } else {
      for (Dim d : n.shape().dims()) {
        if (!d.isStatic() && loopSymbols.contains(d.symbol())) {
          // Only a loop's tapes may be sized by its trip count (the workspace is sized before the call).
          throw new UnsupportedOperationException("entry point " + ep.name() + ": node " + n.name() + " "
              + n.type() + " is sized by the trip count " + d.symbol() + " of a recording loop;"
              + " on kernel backends only the loop's tapes may be");
        }
      }
      b = temp(n);
    }
    buffers.put(n, b);
    return b;
  }

  // ---- elementwise groups ---------------------------------------------------------------------

  private Kernel group(Node root, Map<Node, Node> groupOf, List<Node> schedule) {
    List<Node> members = new ArrayList<>();
    for (Node n : schedule) {
      if (groupOf.get(n) == root) {
        members.add(n);
      }
    }
    List<Dim> domain = root.shape().dims();
    Set<Node> inGroup = new HashSet<>(members);
    List<Kernel.Let> body = new ArrayList<>();
    for (Node m : members) {
      List<ScalarExpr> args = new ArrayList<>();
      for (Node in : m.inputs()) {
        args.add(inGroup.contains(in) ? new ScalarExpr.Ref(in) : leaf(in, domain));
      }
      body.add(new Kernel.Let(m, new ScalarExpr.Apply(m, args)));
    }
    return new Kernel.Map(members, buffer(root), domain, body);
  }

  /** A group's operand read at the output coordinates: a literal for a scalar constant. */
  private ScalarExpr leaf(Node n, List<Dim> domain) {
    if (n.op().name().equals("Const")) {
      double[] values = n.attrs().getDoubles("values");
      if (values.length == 1) {
        return new ScalarExpr.Literal(n.type().dtype(), values[0]);
      }
    }
    return new ScalarExpr.Load(buffer(n), broadcastStrides(n.shape().dims(), domain));
  }

  /**
   * Per-axis strides of an operand broadcast to {@code domain} (numpy rules: aligned right, size-1
   * axes repeat): zero along broadcast axes.
   */
  static List<Size> broadcastStrides(List<Dim> operand, List<Dim> domain) {
    int offset = domain.size() - operand.size();
    List<Size> strides = new ArrayList<>();
    for (int d = 0; d < domain.size(); d++) {
      int od = d - offset;
      if (od < 0 || isOne(operand.get(od))) {
        strides.add(Size.ZERO);
      } else {
        strides.add(Size.of(operand.subList(od + 1, operand.size())));
      }
    }
    return strides;
  }

  static boolean isOne(Dim d) {
    return d.isStatic() && d.size() == 1;
  }

  // ---- other ops ------------------------------------------------------------------------------

  private Kernel matmul(Node n) {
    Node a = n.input(0);
    boolean ta = n.attrs().getBool("transposeA");
    boolean tb = n.attrs().getBool("transposeB");
    return new Kernel.MatMul(n, buffer(n), buffer(a), buffer(n.input(1)), n.shape().dim(0),
        n.shape().dim(1), a.shape().dim(ta ? 0 : 1), ta, tb);
  }

  private Kernel batchMatmul(Node n) {
    Node a = n.input(0);
    List<Dim> ad = a.shape().dims();
    List<Dim> od = n.shape().dims();
    int r = ad.size();
    boolean ta = n.attrs().getBool("transposeA");
    return new Kernel.BatchMatMul(n, buffer(n), buffer(a), buffer(n.input(1)), Size.of(od.subList(0, r - 2)),
        od.get(r - 2), od.get(r - 1), ad.get(ta ? r - 2 : r - 1), ta, n.attrs().getBool("transposeB"));
  }

  private Kernel reduction(Node n) {
    Node x = n.input(0);
    int rank = x.shape().rank();
    int[] axes = n.attrs().getInts("axes");
    boolean keep = n.attrs().has("keepDims") && n.attrs().getBool("keepDims");
    boolean[] reduced = new boolean[rank];
    if (axes.length == 0) {
      Arrays.fill(reduced, true);
    }
    for (int a : axes) {
      reduced[a < 0 ? a + rank : a] = true;
    }
    int[] outAxis = new int[rank];
    int kept = 0;
    for (int d = 0; d < rank; d++) {
      outAxis[d] = reduced[d] ? -1 : keep ? d : kept;
      kept += reduced[d] ? 0 : 1;
    }
    Kernel.Fold fold = switch (n.op().name()) {
      case "ReduceSum" -> Kernel.Fold.SUM;
      case "ReduceMean" -> Kernel.Fold.MEAN;
      case "ReduceMax" -> Kernel.Fold.MAX;
      case "ReduceMin" -> Kernel.Fold.MIN;
      default -> Kernel.Fold.PROD;
    };
    return new Kernel.Reduce(n, buffer(n), buffer(x), outAxis, fold);
  }

  /** x summed over the axes broadcasting stretched to reach it from the node's shape. */
  private Kernel sumToShape(Node n) {
    Node x = n.input(0);
    List<Dim> like = n.shape().dims();
    int rank = x.shape().rank();
    int offset = rank - like.size();
    int[] outAxis = new int[rank];
    for (int d = 0; d < rank; d++) {
      int l = d - offset;
      outAxis[d] = l < 0 || (isOne(like.get(l)) && !isOne(x.shape().dim(d))) ? -1 : l;
    }
    return new Kernel.Reduce(n, buffer(n), buffer(x), outAxis, Kernel.Fold.SUM);
  }

  private Kernel argExtremum(Node n, boolean min) {
    Node x = n.input(0);
    List<Dim> dims = x.shape().dims();
    int axis = n.attrs().getInt("axis");
    axis = axis < 0 ? axis + dims.size() : axis;
    return new Kernel.ArgExtremum(n, buffer(n), buffer(x), Size.of(dims.subList(0, axis)),
        dims.get(axis), Size.of(dims.subList(axis + 1, dims.size())), min);
  }

  private Kernel softmax(Node n, boolean log) {
    Node x = n.input(0);
    List<Dim> dims = x.shape().dims();
    return new Kernel.Softmax(n, buffer(n), buffer(x), Size.of(dims.subList(0, dims.size() - 1)),
        dims.getLast(), log);
  }

  private Kernel softmaxCrossEntropy(Node n) {
    Node labels = n.input(0);
    Node logits = n.input(1);
    List<Dim> dims = logits.shape().dims();
    return new Kernel.SoftmaxCrossEntropy(n, buffer(n), buffer(labels), buffer(logits),
        Size.of(dims.subList(0, dims.size() - 1)), dims.getLast());
  }

  /** A copy loop over the target shape reading x with zero strides along the new axes. */
  private Kernel broadcastLike(Node n) {
    Node x = n.input(0);
    List<Dim> target = n.shape().dims();
    List<Dim> expanded = new ArrayList<>(x.shape().dims());
    int[] axes = n.attrs().getInts("axes");
    int[] normalized = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      normalized[i] = axes[i] < 0 ? axes[i] + target.size() : axes[i];
    }
    Arrays.sort(normalized);
    for (int a : normalized) {
      expanded.add(a, Dim.of(1));
    }
    return copyLoop(n, new ScalarExpr.Load(buffer(x), broadcastStrides(expanded, target)));
  }

  /** Output axis i reads input axis perm[i]. */
  private Kernel transpose(Node n) {
    Node x = n.input(0);
    int[] perm = n.attrs().getInts("perm");
    List<Dim> in = x.shape().dims();
    List<Size> strides = new ArrayList<>();
    for (int p : perm) {
      strides.add(Size.of(in.subList(p + 1, in.size())));
    }
    return copyLoop(n, new ScalarExpr.Load(buffer(x), strides));
  }

  private Kernel copyLoop(Node n, ScalarExpr.Load load) {
    return new Kernel.Map(List.of(n), buffer(n), n.shape().dims(), List.of(new Kernel.Let(n, load)));
  }

  /**
   * A convolution, pool or gradient: the NHWC input shape x (the op's input, or its output for
   * the input gradients), the window (the filter's or the attribute) and TensorFlow's geometry.
   */
  private Kernel window(Node n, Kernel.WindowOp op) {
    List<Dim> x = switch (op) {
      case CONV, CONV_FILTER, MAX_POOL, MAX_POOL_GRAD, AVG_POOL -> n.input(0).shape().dims();
      case CONV_INPUT, AVG_POOL_GRAD -> n.shape().dims();
    };
    int[] k;
    int f;
    switch (op) {
      case CONV -> {
        List<Dim> w = n.input(1).shape().dims();
        k = new int[] {(int) w.get(0).size(), (int) w.get(1).size()};
        f = (int) w.get(3).size();
      }
      case CONV_INPUT -> {
        List<Dim> w = n.input(0).shape().dims();
        k = new int[] {(int) w.get(0).size(), (int) w.get(1).size()};
        f = (int) w.get(3).size();
      }
      case CONV_FILTER -> {
        List<Dim> w = n.shape().dims();
        k = new int[] {(int) w.get(0).size(), (int) w.get(1).size()};
        f = (int) w.get(3).size();
      }
      default -> {
        k = n.attrs().getInts("window");
        f = (int) x.get(3).size();
      }
    }
    int[] s = n.attrs().getInts("strides");
    boolean same = n.attrs().<String>get("padding").equals(Windows.SAME);
    Windows.Axis rows = Windows.axis((int) x.get(1).size(), k[0], s[0], same);
    Windows.Axis cols = Windows.axis((int) x.get(2).size(), k[1], s[1], same);
    Kernel.WindowGeometry g = new Kernel.WindowGeometry(rows.in(), cols.in(), (int) x.get(3).size(),
        k[0], k[1], f, rows.out(), cols.out(), s[0], s[1], rows.padBefore(), cols.padBefore());
    List<Buffer> ins = new ArrayList<>();
    for (Node in : n.inputs()) {
      ins.add(buffer(in));
    }
    return new Kernel.Window(n, buffer(n), ins, op, x.get(0), g);
  }

  /** Row-major strides of {@code dims}. */
  static List<Size> contiguous(List<Dim> dims) {
    List<Size> s = new ArrayList<>();
    for (int d = 0; d < dims.size(); d++) {
      s.add(Size.of(dims.subList(d + 1, dims.size())));
    }
    return s;
  }

  /** The flat offset of coordinate {@code begin} under {@code strides}, as a sum of sizes. */
  private static List<Size> base(int[] begin, List<Size> strides) {
    List<Size> terms = new ArrayList<>();
    for (int d = 0; d < begin.length; d++) {
      if (begin[d] != 0) {
        terms.add(new Size(begin[d] * strides.get(d).constant(), strides.get(d).symbols()));
      }
    }
    return terms;
  }

  /** The block of x at begin (sizes checked at build time): one block the output's shape. */
  private Kernel slice(Node n) {
    Node x = n.input(0);
    List<Dim> out = n.shape().dims();
    return new Kernel.Blocks(n, buffer(n), false, List.of(new Kernel.Block(buffer(x), out,
        base(n.attrs().getInts("begin"), contiguous(x.shape().dims())), contiguous(x.shape().dims()),
        List.of(), contiguous(out))));
  }

  /** Zeros of like's shape with g written at begin. */
  private Kernel unslice(Node n) {
    Node g = n.input(0);
    List<Dim> out = n.shape().dims();
    return new Kernel.Blocks(n, buffer(n), true, List.of(new Kernel.Block(buffer(g), g.shape().dims(),
        List.of(), contiguous(g.shape().dims()), base(n.attrs().getInts("begin"), contiguous(out)),
        contiguous(out))));
  }

  /** Each input copied to its place along the axis (the joined dims are static). */
  private Kernel concat(Node n) {
    List<Dim> out = n.shape().dims();
    int axis = n.attrs().getInt("axis");
    int a = axis < 0 ? axis + out.size() : axis;
    List<Size> outStrides = contiguous(out);
    List<Kernel.Block> blocks = new ArrayList<>();
    int at = 0;
    for (Node x : n.inputs()) {
      int[] begin = new int[out.size()];
      begin[a] = at;
      blocks.add(new Kernel.Block(buffer(x), x.shape().dims(), List.of(), contiguous(x.shape().dims()),
          base(begin, outStrides), outStrides));
      at += (int) x.shape().dim(a).size();
    }
    return new Kernel.Blocks(n, buffer(n), false, blocks);
  }

  /** Gather (params, indices) or ScatterAdd (updates, indices, like): rows of the table's shape. */
  private Kernel gather(Node n, boolean scatter) {
    Node indices = n.input(1);
    List<Dim> table = (scatter ? n : n.input(0)).shape().dims();
    return new Kernel.Gather(n, buffer(n), buffer(n.input(0)), buffer(indices),
        Size.of(indices.shape().dims()), table.getFirst(), Size.of(table.subList(1, table.size())), scatter);
  }

  /**
   * A COO sparse op: the inputs are (indices, values, witness, dense) for SparseMatMul, (indices,
   * witness, g, dense) for its values gradient, (indices, values, witness) for SparseToDense and
   * (indices, witness, dense) for SparseGather; the witness gives only its dims.
   */
  private Kernel sparse(Node n, Kernel.SparseOp op) {
    Node indices = n.input(0);
    int witness = op == Kernel.SparseOp.MATMUL || op == Kernel.SparseOp.TO_DENSE ? 2 : 1;
    List<Buffer> operands = new ArrayList<>();
    for (int i = 1; i < n.inputs().size(); i++) {
      if (i != witness) {
        operands.add(buffer(n.input(i)));
      }
    }
    List<Dim> dense = n.input(witness).shape().dims();
    Dim width = op == Kernel.SparseOp.MATMUL || op == Kernel.SparseOp.MATMUL_VALUES_GRAD
        ? n.input(3).shape().dim(1) : null;
    boolean adjoint = n.attrs().has("adjointA") && n.attrs().getBool("adjointA");
    return new Kernel.Sparse(n, buffer(n), buffer(indices), operands, op, indices.shape().dim(0), dense.get(0),
        dense.get(1), width, adjoint);
  }

  private Kernel elementCount(Node n) {
    List<Dim> dims = n.input(0).shape().dims();
    int[] axes = n.attrs().getInts("axes");
    List<Dim> counted = new ArrayList<>();
    for (int d = 0; d < dims.size(); d++) {
      boolean take = axes.length == 0;
      for (int a : axes) {
        take |= (a < 0 ? a + dims.size() : a) == d;
      }
      if (take) {
        counted.add(dims.get(d));
      }
    }
    return new Kernel.Map(List.of(n), buffer(n), List.of(),
        List.of(new Kernel.Let(n, new ScalarExpr.Extent(n.type().dtype(), Size.of(counted)))));
  }
}

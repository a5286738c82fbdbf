package dev.kiln.codegen.llvm;

import dev.kiln.codegen.kernel.Buffer;
import dev.kiln.codegen.kernel.Kernel;
import dev.kiln.codegen.kernel.KernelProgram;
import dev.kiln.codegen.kernel.MemoryPlan;
import dev.kiln.codegen.kernel.ScalarExpr;
import dev.kiln.codegen.kernel.Size;
import dev.kiln.codegen.kernel.Describe;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Node;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders one lowered entry point as LLVM IR: an internal function per kernel (its loops written
 * over contiguous memory so O3's vectorizer takes them, buffer pointers {@code noalias}) and the
 * exported entry function that unpacks the caller's buffer and size arrays, places the
 * intermediates in the caller's workspace ({@link MemoryPlan}, {@link EntryCode}), calls the
 * kernels in schedule order, then hands gradients back or updates the variables.
 */
final class LlvmEmitter {
  private static final int BLOCK = 64;

  private final Module module;
  private final KernelProgram program;
  private final String symbol;
  private final StringBuilder kernels = new StringBuilder();
  private int kernelCount;

  LlvmEmitter(Module module, KernelProgram program, String symbol) {
    this.module = module;
    this.program = program;
    this.symbol = symbol;
  }

  /** The kernels' and the entry function's text. */
  String render() {
    LlvmFunction entry = new LlvmFunction(module);
    MemoryPlan plan = MemoryPlan.of(program);
    Map<Buffer, String> ptrs = new HashMap<>();
    for (Buffer b : program.slots()) {
      String p = entry.gep("ptr", "%buffers", Integer.toString(b.slot()));
      ptrs.put(b, entry.let("b." + bufferHint(b), "load ptr, ptr " + p));
    }
    Map<String, String> dims = new LinkedHashMap<>();
    for (int i = 0; i < program.symbols().size(); i++) {
      String s = program.symbols().get(i);
      String p = entry.gep("i64", "%sizes", Integer.toString(i));
      entry.emit(LlvmFunction.symbolParam(s) + " = load i64, ptr " + p);
      dims.put(s, LlvmFunction.symbolParam(s));
    }
    List<String> regions = EntryCode.regions(entry, plan);
    for (Kernel k : program.allSteps()) {
      List<Buffer> touched = new ArrayList<>(k.inputs());
      touched.add(k.out());
      for (Buffer b : touched) {
        if (plan.inWorkspace(b)) {
          ptrs.put(b, regions.get(plan.region(b)));
        }
      }
    }
    for (Buffer c : program.constants()) {
      ptrs.put(c, constant(c));
    }
    if (program.allSteps().stream().anyMatch(LlvmEmitter::checksIndices)) {
      entry.comment("no out-of-range index yet (gather, scatterAdd and sparse ops record the first one here)");
      entry.store("i64", "0", status());
    }
    LlvmControlFlow flow = new LlvmControlFlow(entry, program);
    emitSteps(entry, program.steps(), ptrs, dims, flow);
    flow.freeTapes(entry);
    EntryCode.finish(entry, plan, regions, symbol, program.entry(), program.slots(),
        program.allSteps().stream().anyMatch(LlvmEmitter::checksIndices));
    StringBuilder header = new StringBuilder();
    header.append("; Entry point ").append(program.entry().name()).append(" (")
        .append(program.entry().kind().name().toLowerCase(java.util.Locale.ROOT)).append(")\n");
    header.append("; buffers:\n");
    for (Buffer b : program.slots()) {
      header.append(";   [").append(b.slot()).append("] ").append(b.kind().name().toLowerCase(java.util.Locale.ROOT))
          .append(' ').append(b.node().name()).append(' ').append(b.node().type()).append('\n');
    }
    header.append("; sizes: ").append(program.symbols().isEmpty() ? "(none)"
        : String.join(", ", program.symbols())).append('\n');
    return kernels + header.toString()
        + entry.build("define void @" + symbol + ".run(ptr noalias %buffers, ptr noalias %sizes,"
            + " ptr %workspace, ptr %optimizer)")
        + EntryCode.companions(module, plan, program.symbols(), symbol, !plan.gradientSlots().isEmpty()
            && EntryCode.trainable(program.entry(), program.slots()) != null);
  }

  private List<String> lastKernelSymbols = List.of();

  /** The calls of {@code steps} in the entry function; control flow through {@link LlvmControlFlow}. */
  private void emitSteps(LlvmFunction entry, List<Kernel> steps, Map<Buffer, String> ptrs,
      Map<String, String> dims, LlvmControlFlow flow) {
    for (Kernel k : steps) {
      entry.comment("");
      for (Node n : k.nodes()) {
        entry.comment(Describe.node(n));
      }
      if (k instanceof Kernel.Alias) {
        entry.comment("(a view: same elements as its input, no code)");
        continue;
      }
      if (!k.nested().isEmpty()) {
        flow.emit(entry, k, ptrs, dims, nested -> emitSteps(entry, nested, ptrs, dims, flow));
        continue;
      }
      Buffer out = k.out();
      String name = kernel(k);
      List<String> args = new ArrayList<>();
      args.add("ptr " + flow.pointer(entry, out, ptrs));
      for (Buffer in : k.inputs()) {
        args.add("ptr " + flow.pointer(entry, in, ptrs));
      }
      for (String s : lastKernelSymbols) {
        args.add("i64 " + flow.dim(entry, s, dims));
      }
      entry.emit("call void " + name + "(" + String.join(", ", args) + ")");
    }
  }

  private static String bufferHint(Buffer b) {
    return b.node().name().replace('/', '.');
  }

  /** A constant buffer: a private global array. */
  private String constant(Buffer c) {
    Node n = c.node();
    DType t = n.type().dtype();
    double[] values = n.attrs().getDoubles("values");
    long count = n.shape().numElements();
    String st = LlvmTypes.storage(t);
    return module.global(n, "const." + n.name(), name -> {
      StringBuilder s = new StringBuilder("; " + Describe.node(n) + "\n");
      s.append(name).append(" = private unnamed_addr constant [").append(count).append(" x ").append(st).append("] [");
      for (long i = 0; i < count; i++) {
        double v = values[values.length == 1 ? 0 : (int) i];
        s.append(i == 0 ? "" : ", ").append(st).append(' ').append(storageLiteral(t, v));
      }
      return s.append("], align 64").toString();
    });
  }

  private static String storageLiteral(DType t, double v) {
    return switch (t) {
      case BOOL -> v != 0 ? "1" : "0";
      case I8, U8 -> Byte.toString((byte) (long) v);
      case I16 -> Short.toString((short) (long) v);
      case F16 -> Short.toString(Float.floatToFloat16((float) v));
      case BF16 -> Short.toString(dev.kiln.compiler.interp.Value.floatToBf16((float) v));
      default -> LlvmTypes.literal(t, v);
    };
  }

  // ---- kernels --------------------------------------------------------------------------------

  /** Writes the kernel function of {@code k}; returns its name. */
  private String kernel(Kernel k) {
    LlvmFunction f = new LlvmFunction(module);
    Map<Buffer, String> params = new LinkedHashMap<>();
    params.put(k.out(), "%out");
    int i = 0;
    for (Buffer in : k.inputs()) {
      params.put(in, "%in" + i++);
    }
    String what = switch (k) {
      case Kernel.Map m -> map(f, m, params);
      case Kernel.Reduce r -> reduce(f, r, params);
      case Kernel.MatMul m -> matmul(f, m, params);
      case Kernel.Softmax s -> softmax(f, s, params);
      case Kernel.ArgExtremum a -> argExtremum(f, a, params);
      case Kernel.SoftmaxCrossEntropy x -> softmaxCrossEntropy(f, x, params);
      case Kernel.Window w -> window(f, w);
      case Kernel.Blocks b -> blocks(f, b, params);
      case Kernel.Gather g -> gather(f, g);
      case Kernel.BatchMatMul b -> batchMatmul(f, b);
      case Kernel.ShapeOf x -> shapeOf(f, x);
      case Kernel.MatrixInverse x -> matrixInverse(f, x);
      case Kernel.Copy c -> copy(f, c, params);
      case Kernel.SeedGenerator g -> LlvmRandom.seed(f);
      case Kernel.Random r -> LlvmRandom.draw(f, r);
      case Kernel.Write w -> LlvmState.write(f, w, symbol, program);
      case Kernel.Sparse s -> LlvmSparse.kernel(f, s, status());
      case Kernel.Alias a -> throw new IllegalStateException("aliases have no kernel");
      case Kernel.Branch b -> throw new IllegalStateException("control flow is written in the entry");
      case Kernel.Loop l -> throw new IllegalStateException("control flow is written in the entry");
    };
    String name = "@" + symbol + ".k" + kernelCount++ + "." + what;
    StringBuilder sig = new StringBuilder("define internal void " + name + "(ptr noalias %out");
    for (Buffer in : k.inputs()) {
      sig.append(k.updated().contains(in) ? ", ptr noalias " : ", ptr noalias readonly ").append(params.get(in));
    }
    lastKernelSymbols = new ArrayList<>(f.symbols());
    for (String s : lastKernelSymbols) {
      sig.append(", i64 ").append(LlvmFunction.symbolParam(s));
    }
    sig.append(")");
    StringBuilder doc = new StringBuilder();
    for (Node n : k.nodes()) {
      doc.append("; ").append(Describe.node(n)).append('\n');
    }
    doc.append(";   out: ").append(k.out().node().type());
    for (Buffer in : k.inputs()) {
      doc.append(", ").append(params.get(in).substring(1)).append(": ").append(in.node().name())
          .append(' ').append(in.node().type());
    }
    kernels.append(doc).append('\n').append(f.build(sig.toString())).append('\n');
    return name;
  }

  /** Opens one loop per dim (row-major); returns the indices. */
  private static List<String> openNest(LlvmFunction f, List<Dim> dims, String hint) {
    List<String> idx = new ArrayList<>();
    for (int d = 0; d < dims.size(); d++) {
      idx.add(f.loop(hint + d, f.size(Size.of(dims.get(d)))));
    }
    return idx;
  }

  private static void closeNest(LlvmFunction f, int depth) {
    for (int d = 0; d < depth; d++) {
      f.endLoop();
    }
  }

  /** Σ idx[d] * strides[d]. */
  private static String offset(LlvmFunction f, List<String> idx, List<Size> strides) {
    String o = "0";
    for (int d = 0; d < idx.size(); d++) {
      if (!strides.get(d).isZero()) {
        o = f.madd(idx.get(d), f.size(strides.get(d)), o);
      }
    }
    return o;
  }

  /** Row-major strides of {@code dims}. */
  private static List<Size> contiguous(List<Dim> dims) {
    List<Size> s = new ArrayList<>();
    for (int d = 0; d < dims.size(); d++) {
      s.add(Size.of(dims.subList(d + 1, dims.size())));
    }
    return s;
  }

  /**
   * Elements from which a map, reduction or softmax is split over the pool: 2^16 elements take
   * ~10-30 µs on one core (a few passes over 256 KiB-1 MiB at tens of GB/s, more with libm
   * calls), several times a fork-join's cost (one FFM upcall and a wake-up per extra thread, a
   * few µs); below it a second thread would mostly wait for its start.
   */
  static final long PARALLEL_ELEMENTS = 1L << 16;

  /** Split over the pool along the outermost axis (each chunk whole outer slices) when large. */
  private String map(LlvmFunction f, Kernel.Map m, Map<Buffer, String> params) {
    f.comment("one pass over " + m.out().node().type() + "; fused values stay in registers");
    if (m.domain().isEmpty()) {
      mapRange(f, m, params, null, null);
    } else {
      Map<String, String> pointers = new LinkedHashMap<>();
      for (String p : params.values()) {
        pointers.put(p, p);
      }
      LlvmParallel.split(f, symbol + ".map", pointers, f.size(Size.of(m.domain().getFirst())),
          f.size(Size.of(m.domain())), PARALLEL_ELEMENTS, (g, begin, end) -> mapRange(g, m, params, begin, end));
    }
    Node root = m.body().getLast().node();
    return m.nodes().size() == 1 ? lowerFirst(root.op().name()) : "fused";
  }

  /** The map's loop nest, its outermost axis over [begin, end) (all of it when begin is null). */
  private String mapRange(LlvmFunction f, Kernel.Map m, Map<Buffer, String> params, String begin, String end) {
    List<String> idx = new ArrayList<>();
    for (int d = 0; d < m.domain().size(); d++) {
      idx.add(d == 0 && begin != null ? f.loop("i0", begin, end, "1")
          : f.loop("i" + d, f.size(Size.of(m.domain().get(d)))));
    }
    Map<Node, String> values = new HashMap<>();
    String last = null;
    for (Kernel.Let let : m.body()) {
      last = scalar(f, let.value(), idx, params, values);
      values.put(let.node(), last);
    }
    Node root = m.body().getLast().node();
    f.storeElement(root.type().dtype(), "%out", offset(f, idx, contiguous(m.domain())), last);
    closeNest(f, m.domain().size());
    return last;
  }

  private String scalar(LlvmFunction f, ScalarExpr e, List<String> idx, Map<Buffer, String> params,
      Map<Node, String> values) {
    return switch (e) {
      case ScalarExpr.Load l -> f.loadElement(l.dtype(), params.get(l.buffer()), offset(f, idx, l.strides()));
      case ScalarExpr.Literal l -> LlvmTypes.literal(l.dtype(), l.value());
      case ScalarExpr.Ref r -> values.get(r.node());
      case ScalarExpr.Extent x -> {
        String n = f.size(x.size());
        DType t = x.dtype();
        yield t.isFloating() ? f.let("count", "sitofp i64 " + n + " to " + LlvmTypes.compute(t))
            : t == DType.I64 ? n : f.let("count", "trunc i64 " + n + " to " + LlvmTypes.compute(t));
      }
      case ScalarExpr.Apply a -> {
        List<String> args = new ArrayList<>();
        for (ScalarExpr x : a.args()) {
          args.add(scalar(f, x, idx, params, values));
        }
        LlvmTable.Scalar t = LlvmTable.SCALARS.get(a.node().op().name());
        if (t == null) {
          throw new UnsupportedOperationException("the LLVM backend has no template for op " + a.node().op().name());
        }
        yield t.render(f, a.node(), a.node().input(0).type().dtype(), args);
      }
    };
  }

  /**
   * Folds in row-major order of the input (read sequentially) into an accumulator array: double
   * for floating sums and products (rounded once at the end, as the reference), else the
   * output's compute type. When the first input axis is kept (row-wise reductions) and the input
   * is large, its slices are split over the pool: each chunk owns their output rows, and each
   * output element still folds its inputs in the same order.
   */
  private String reduce(LlvmFunction f, Kernel.Reduce r, Map<Buffer, String> params) {
    DType t = r.out().dtype();
    boolean wide = t.isFloating() && (r.fold() != Kernel.Fold.MAX && r.fold() != Kernel.Fold.MIN);
    String outSize = f.size(r.out().size());
    String acc;
    if (wide) {
      module.declare("declare noalias ptr @malloc(i64)");
      module.declare("declare void @free(ptr)");
      acc = f.let("acc", "call ptr @malloc(i64 " + f.madd(outSize, "8", null) + ")");
    } else {
      acc = "%out";
    }
    // The input node's shape, not its buffer's: a reshape shares its source's buffer.
    List<Dim> inDims = r.node().input(0).shape().dims();
    f.comment(r.fold() + " of " + r.in().node().type() + " -> " + r.out().node().type());
    if (!inDims.isEmpty() && r.outAxis()[0] == 0) {
      Map<String, String> pointers = kernelPointers(1);
      if (wide) {
        pointers.put("%acc.buf", acc);
      }
      LlvmParallel.split(f, symbol + ".reduce", pointers, f.size(Size.of(inDims.getFirst())),
          f.size(Size.of(inDims)), PARALLEL_ELEMENTS,
          (g, begin, end) -> reduceRange(g, r, wide ? "%acc.buf" : "%out", begin, end));
    } else {
      reduceRange(f, r, acc, null, null);
    }
    if (wide) {
      f.emit("call void @free(ptr " + acc + ")");
    }
    return lowerFirst(r.node().op().name());
  }

  /**
   * Initializes, folds and finishes the outputs of input slices [begin, end) of the first axis
   * (which the output keeps as its first axis), or of the whole input when begin is null.
   */
  private static void reduceRange(LlvmFunction f, Kernel.Reduce r, String acc, String begin, String end) {
    DType t = r.out().dtype();
    boolean wide = t.isFloating() && (r.fold() != Kernel.Fold.MAX && r.fold() != Kernel.Fold.MIN);
    DType accType = wide ? DType.F64 : t;
    String at = LlvmTypes.compute(accType);
    List<Dim> inDims = r.node().input(0).shape().dims();
    List<Dim> outDims = r.node().shape().dims();
    String outLo = "0";
    String outHi = f.size(r.out().size());
    if (begin != null) {
      String slice = f.size(Size.of(outDims.subList(1, outDims.size())));
      outLo = f.madd(begin, slice, null);
      outHi = f.madd(end, slice, null);
    }
    String init = switch (r.fold()) {
      case SUM, MEAN -> LlvmTypes.literal(accType, 0);
      case PROD -> LlvmTypes.literal(accType, 1);
      case MAX -> LlvmTypes.lowest(accType);
      case MIN -> LlvmTypes.highest(accType);
    };
    String o0 = f.loop("o", outLo, outHi, "1");
    f.store(LlvmTypes.storage(accType), wide ? init : f.toStorage(accType, init), f.gep(LlvmTypes.storage(accType), acc, o0));
    f.endLoop();
    List<Size> outStrides = new ArrayList<>();
    for (int d = 0; d < inDims.size(); d++) {
      int a = r.outAxis()[d];
      outStrides.add(a < 0 ? Size.ZERO : Size.of(outDims.subList(a + 1, outDims.size())));
    }
    List<String> idx = new ArrayList<>();
    for (int d = 0; d < inDims.size(); d++) {
      idx.add(d == 0 && begin != null ? f.loop("c0", begin, end, "1") : f.loop("c" + d, f.size(Size.of(inDims.get(d)))));
    }
    String x = f.loadElement(r.in().dtype(), "%in0", offset(f, idx, contiguous(inDims)));
    x = LlvmTable.cast(f, r.in().dtype(), accType, x);
    String o = offset(f, idx, outStrides);
    String slot = f.gep(LlvmTypes.storage(accType), acc, o);
    String cur = f.toCompute(accType, f.load(LlvmTypes.storage(accType), slot));
    String next = switch (r.fold()) {
      // reassoc lets the vectorizer split a sum into lanes (the order of a float sum is free).
      case SUM, MEAN -> f.let("sum", (accType.isFloating() ? "fadd reassoc " : "add ") + at + " " + cur + ", " + x);
      case PROD -> f.let("prod", (accType.isFloating() ? "fmul reassoc " : "mul ") + at + " " + cur + ", " + x);
      case MAX -> LlvmTable.extremum(f, accType, cur, x, true);
      case MIN -> LlvmTable.extremum(f, accType, cur, x, false);
    };
    f.store(LlvmTypes.storage(accType), f.toStorage(accType, next), slot);
    closeNest(f, inDims.size());
    if (wide || r.fold() == Kernel.Fold.MEAN) {
      String o1 = f.loop("o", outLo, outHi, "1");
      String v = wide ? f.load("double", f.gep("double", acc, o1)) : f.loadElement(t, "%out", o1);
      if (r.fold() == Kernel.Fold.MEAN) {
        String n = f.size(r.folded());
        v = accType.isFloating()
            ? f.let("mean", "fdiv " + at + " " + v + ", " + f.let("n", "sitofp i64 " + n + " to " + at))
            : f.let("mean", "sdiv " + at + " " + v + ", " + LlvmTable.cast(f, DType.I64, accType, n));
      }
      f.storeElement(t, "%out", o1, LlvmTable.cast(f, accType, t, v));
      f.endLoop();
    }
  }

  /** f32 and f64 through {@link LlvmGemm}; other dtypes through the simple loops of {@link #matmulBody}. */
  private String matmul(LlvmFunction f, Kernel.MatMul mm, Map<Buffer, String> params) {
    matmulBody(f, mm.out().dtype(), "%in0", "%in1", "%out", f.size(Size.of(mm.m())),
        f.size(Size.of(mm.n())), f.size(Size.of(mm.k())), mm.transposeA(), mm.transposeB());
    return "matMul";
  }

  /**
   * One {@link #matmulBody} per batch, on the batch's matrices (row-major, back to back). With
   * at least {@link #MIN_PARALLEL_BATCHES} batches (or a symbolic count) the batches are split
   * over the pool, each product then running serially inside its chunk; with fewer, each
   * product splits itself.
   */
  private String batchMatmul(LlvmFunction f, Kernel.BatchMatMul mm) {
    DType t = mm.out().dtype();
    String batches = f.size(mm.batches());
    LlvmParallel.Range range = (g, begin, end) -> {
      String st = LlvmTypes.storage(t);
      String m = g.size(Size.of(mm.m()));
      String n = g.size(Size.of(mm.n()));
      String k = g.size(Size.of(mm.k()));
      String q = g.loop("q", begin, end, "1");
      String a = g.gep(st, "%in0", g.madd(q, g.madd(m, k, null), null));
      String b = g.gep(st, "%in1", g.madd(q, g.madd(k, n, null), null));
      String o = g.gep(st, "%out", g.madd(q, g.madd(m, n, null), null));
      matmulBody(g, t, a, b, o, m, n, k, mm.transposeA(), mm.transposeB());
      g.endLoop();
    };
    if (LlvmParallel.isNumber(batches) && Long.parseLong(batches) < MIN_PARALLEL_BATCHES) {
      range.emit(f, "0", batches);
    } else {
      String macs = LlvmParallel.mul(f, LlvmParallel.mul(f, batches, f.size(Size.of(mm.m()))),
          LlvmParallel.mul(f, f.size(Size.of(mm.n())), f.size(Size.of(mm.k()))));
      LlvmParallel.split(f, symbol + ".batchMatMul", kernelPointers(2), batches, macs, LlvmGemm.PARALLEL_MACS, range);
    }
    return "batchMatMul";
  }

  /**
   * Fewer batches than this run one after the other, each product split on its own: contiguous
   * equal chunks of a few batches leave a thread idle for up to a whole product (3 on 2 threads).
   */
  private static final int MIN_PARALLEL_BATCHES = 8;

  /** The kernel's own parameters {@code %out, %in0 .. %in<inputs-1>}, each mapped to itself. */
  private static Map<String, String> kernelPointers(int inputs) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("%out", "%out");
    for (int i = 0; i < inputs; i++) {
      p.put("%in" + i, "%in" + i);
    }
    return p;
  }

  /**
   * Gauss-Jordan elimination on [A | I] with partial pivoting, in double, step for step as the
   * reference ({@code MatrixInverse.invert}): the first largest |pivot| wins, rows with a zero
   * factor are skipped, no fused multiply-adds, so results agree exactly before the final
   * rounding. A singular matrix gives infinities or NaN, as there.
   */
  private String matrixInverse(LlvmFunction f, Kernel.MatrixInverse k) {
    DType t = k.out().dtype();
    String n = f.size(Size.of(k.n()));
    String nn = f.madd(n, n, null);
    module.declare("declare noalias ptr @malloc(i64)");
    module.declare("declare void @free(ptr)");
    String m = f.let("m", "call ptr @malloc(i64 " + f.madd(nn, "8", null) + ")");
    String inv = f.let("inv", "call ptr @malloc(i64 " + f.madd(nn, "8", null) + ")");
    String e = f.loop("e", nn);
    f.store("double", LlvmTable.cast(f, t, DType.F64, f.loadElement(t, "%in0", e)), f.gep("double", m, e));
    f.store("double", "0.0", f.gep("double", inv, e));
    f.endLoop();
    String d = f.loop("d", n);
    f.store("double", "1.0", f.gep("double", inv, f.madd(d, n, d)));
    f.endLoop();
    String col = f.loop("col", n);
    f.comment("partial pivoting: the first row with the largest |m[r, col]|");
    String pivot = f.var("pivot", "i64", col);
    String r0 = f.loop("r", f.let("next", "add nsw i64 " + col + ", 1"), n, "1");
    String cand = LlvmTable.intrinsic(f, DType.F64, "fabs", f.load("double", f.gep("double", m, f.madd(r0, n, col))));
    String pv = f.load("i64", pivot);
    String best = LlvmTable.intrinsic(f, DType.F64, "fabs", f.load("double", f.gep("double", m, f.madd(pv, n, col))));
    String gt = f.let("gt", "fcmp ogt double " + cand + ", " + best);
    f.store("i64", f.let("pivot", "select i1 " + gt + ", i64 " + r0 + ", i64 " + pv), pivot);
    f.endLoop();
    String p = f.load("i64", pivot);
    String endSwap = f.ifThen(f.let("swap", "icmp ne i64 " + p + ", " + col));
    String j0 = f.loop("j", n);
    for (String a : List.of(m, inv)) {
      String x = f.gep("double", a, f.madd(col, n, j0));
      String y = f.gep("double", a, f.madd(p, n, j0));
      String xv = f.load("double", x);
      String yv = f.load("double", y);
      f.store("double", yv, x);
      f.store("double", xv, y);
    }
    f.endLoop();
    f.endIf(endSwap);
    String piv = f.load("double", f.gep("double", m, f.madd(col, n, col)));
    String j1 = f.loop("j", n);
    for (String a : List.of(m, inv)) {
      String x = f.gep("double", a, f.madd(col, n, j1));
      f.store("double", f.let("scaled", "fdiv double " + f.load("double", x) + ", " + piv), x);
    }
    f.endLoop();
    String r = f.loop("r", n);
    String fct = f.load("double", f.gep("double", m, f.madd(r, n, col)));
    String skip = f.let("skip", "or i1 " + f.let("self", "icmp eq i64 " + r + ", " + col) + ", "
        + f.let("zero", "fcmp oeq double " + fct + ", 0.0"));
    String endRow = f.ifThen(f.let("eliminate", "xor i1 " + skip + ", true"));
    String j2 = f.loop("j", n);
    for (String a : List.of(m, inv)) {
      String src = f.load("double", f.gep("double", a, f.madd(col, n, j2)));
      String x = f.gep("double", a, f.madd(r, n, j2));
      f.store("double", f.let("elim", "fsub double " + f.load("double", x) + ", "
          + f.let("prod", "fmul double " + fct + ", " + src)), x);
    }
    f.endLoop();
    f.endIf(endRow);
    f.endLoop();
    f.endLoop();
    String o = f.loop("e", nn);
    f.storeElement(t, "%out", o, LlvmTable.cast(f, DType.F64, t, f.load("double", f.gep("double", inv, o))));
    f.endLoop();
    f.emit("call void @free(ptr " + m + ")");
    f.emit("call void @free(ptr " + inv + ")");
    return "matrixInverse";
  }

  /** The run-time shape: one store per dimension (symbolic ones from the kernel's parameters). */
  private String shapeOf(LlvmFunction f, Kernel.ShapeOf s) {
    for (int d = 0; d < s.dims().size(); d++) {
      f.storeElement(DType.I64, "%out", Integer.toString(d), f.size(Size.of(s.dims().get(d))));
    }
    return "shape";
  }

  /**
   * One matrix product {@code out = op(a) · op(b)} over the pointers given: f32 and f64 call the
   * module's {@link LlvmGemm}; other dtypes, without transposed b, blocked i-k-j loops, each
   * a[i, p] scaling row p of b into row i of out (the inner loop contiguous in both), and with
   * it dot products along contiguous rows of b.
   */
  private static void matmulBody(LlvmFunction f, DType t, String pa, String pb, String po, String m,
      String n, String k, boolean transposeA, boolean transposeB) {
    if (LlvmGemm.supports(t)) {
      LlvmGemm.call(f, t, pa, pb, po, m, n, k, transposeA, transposeB);
      return;
    }
    String ct = LlvmTypes.compute(t);
    boolean fl = t.isFloating();
    if (!transposeB) {
      f.comment("zero the output, then blocked i-k-j loops (" + BLOCK + "-wide blocks of i and k keep rows in cache)");
      String z = f.loop("z", f.madd(m, n, null));
      f.storeElement(t, po, z, LlvmTypes.literal(t, 0));
      f.endLoop();
      String i0 = f.loop("i0", "0", m, Integer.toString(BLOCK));
      String iEnd = min(f, f.let("iend", "add nsw i64 " + i0 + ", " + BLOCK), m);
      String k0 = f.loop("k0", "0", k, Integer.toString(BLOCK));
      String kEnd = min(f, f.let("kend", "add nsw i64 " + k0 + ", " + BLOCK), k);
      String i = f.loop("i", i0, iEnd, "1");
      String p = f.loop("p", k0, kEnd, "1");
      String aAt = transposeA ? f.madd(p, m, i) : f.madd(i, k, p);
      String av = f.loadElement(t, pa, aAt);
      String bRow = f.madd(p, n, null);
      String oRow = f.madd(i, n, null);
      String j = f.loop("j", n);
      String bv = f.loadElement(t, pb, f.let("idx", "add nsw i64 " + bRow + ", " + j));
      String oAt = f.let("idx", "add nsw i64 " + oRow + ", " + j);
      String cur = f.loadElement(t, po, oAt);
      String prod = f.let("prod", (fl ? "fmul " : "mul ") + ct + " " + av + ", " + bv);
      f.storeElement(t, po, oAt, f.let("sum", (fl ? "fadd " : "add ") + ct + " " + cur + ", " + prod));
      closeNest(f, 5);
    } else {
      f.comment("b is transposed: out[i, j] is the dot product of a row of op(a) and row j of b");
      String i = f.loop("i", m);
      String j = f.loop("j", n);
      String acc = f.var("sum", ct, LlvmTypes.literal(t, 0));
      String p = f.loop("p", k);
      String aAt = transposeA ? f.madd(p, m, i) : f.madd(i, k, p);
      String av = f.loadElement(t, pa, aAt);
      String bv = f.loadElement(t, pb, f.madd(j, k, p));
      String prod = f.let("prod", (fl ? "fmul " : "mul ") + ct + " " + av + ", " + bv);
      String cur = f.load(ct, acc);
      f.store(ct, f.let("sum", (fl ? "fadd reassoc " : "add ") + ct + " " + cur + ", " + prod), acc);
      f.endLoop();
      f.storeElement(t, po, f.madd(i, n, j), f.load(ct, acc));
      closeNest(f, 2);
    }
  }

  private static String min(LlvmFunction f, String a, String b) {
    String c = f.let("lt", "icmp slt i64 " + a + ", " + b);
    return f.let("min", "select i1 " + c + ", i64 " + a + ", i64 " + b);
  }

  /**
   * Per row: the maximum (0 when infinite), Σ exp(x - max), then the outputs; rows are
   * independent, so large inputs split their rows over the pool.
   */
  private String softmax(LlvmFunction f, Kernel.Softmax s, Map<Buffer, String> params) {
    String rows = f.size(s.rows());
    String elements = LlvmParallel.mul(f, rows, f.size(Size.of(s.n())));
    LlvmParallel.split(f, symbol + ".softmax", kernelPointers(1), rows, elements, PARALLEL_ELEMENTS,
        (g, begin, end) -> softmaxRows(g, s, begin, end));
    return s.log() ? "logSoftmax" : "softmax";
  }

  private static void softmaxRows(LlvmFunction f, Kernel.Softmax s, String begin, String end) {
    DType t = s.out().dtype();
    String ct = LlvmTypes.compute(t);
    String n = f.size(Size.of(s.n()));
    String r = f.loop("r", begin, end, "1");
    String base = f.madd(r, n, null);
    // softmax keeps each e^(x - max) in the output as it sums them, so the last pass only divides
    // (not for f16/bf16 outputs, whose storage would round the kept value before the division)
    boolean keep = !s.log() && LlvmTypes.storage(t).equals(ct);
    String[] ms = rowMaxAndSum(f, t, "%in0", base, n, keep ? "%out" : null);
    String max = ms[0];
    String sum = ms[1];
    String lse = s.log() ? LlvmTable.intrinsic(f, t, "log", sum) : null;
    String j = f.loop("j", n);
    String at = f.let("idx", "add nsw i64 " + base + ", " + j);
    String v;
    if (s.log()) {
      String x = f.loadElement(t, "%in0", at);
      String shifted = f.let("shifted", "fsub " + ct + " " + x + ", " + max);
      v = f.let("logp", "fsub " + ct + " " + shifted + ", " + lse);
    } else {
      String e = keep ? f.loadElement(t, "%out", at) : LlvmTable.intrinsic(f, t, "exp",
          f.let("shifted", "fsub " + ct + " " + f.loadElement(t, "%in0", at) + ", " + max));
      v = f.let("p", "fdiv " + ct + " " + e + ", " + sum);
    }
    f.storeElement(t, "%out", at, v);
    closeNest(f, 2);
  }

  /**
   * Emits the stable row maximum and Σ exp(x - max) of a row; returns both values. With
   * {@code exps} non-null, each exp(x - max) is also stored there at the element's index.
   */
  private static String[] rowMaxAndSum(LlvmFunction f, DType t, String x, String base, String n, String exps) {
    String ct = LlvmTypes.compute(t);
    f.comment("stable: subtract the row maximum before exponentiating");
    String maxVar = f.var("max", ct, LlvmTypes.lowest(t));
    String j = f.loop("j", n);
    String v = f.loadElement(t, x, f.let("idx", "add nsw i64 " + base + ", " + j));
    String max;
    if (t.isFloating()) {
      // maxnum ignores NaN and "any NaN" is an or: two reductions the loop vectorizer takes,
      // unlike the reference's compare-and-select chain, with the same result (NaN if any is NaN;
      // maxnum may order -0 and +0 either way, and either zero shifts every element alike).
      String nanVar = f.var("nan", "i1", "false");
      // nnan nsz let it vectorize: with a NaN present its value is poison, but then the select
      // below never picks it; the sign of a zero maximum does not matter (above)
      String maxnum = "llvm.maxnum." + LlvmTypes.suffix(ct);
      f.module().declare("declare " + ct + " @" + maxnum + "(" + ct + ", " + ct + ")");
      f.store(ct, f.let("max", "call nnan nsz " + ct + " @" + maxnum + "(" + ct + " " + f.load(ct, maxVar) + ", "
          + ct + " " + v + ")"), maxVar);
      f.store("i1", f.let("nan", "or i1 " + f.load("i1", nanVar) + ", " + f.let("isnan", "fcmp uno " + ct + " "
          + v + ", " + v)), nanVar);
      f.endLoop();
      max = f.let("max", "select i1 " + f.load("i1", nanVar) + ", " + ct + " " + LlvmTypes.fp(Double.NaN) + ", " + ct
          + " " + f.load(ct, maxVar));
    } else {
      f.store(ct, LlvmTable.extremum(f, t, f.load(ct, maxVar), v, true), maxVar);
      f.endLoop();
      max = f.load(ct, maxVar);
    }
    f.comment("a row of -inf, or one holding +inf: no shift; IEEE arithmetic then gives NaN");
    String inf = f.let("inf", "fcmp oeq " + ct + " " + LlvmTable.intrinsic(f, t, "fabs", max) + ", "
        + LlvmTypes.highest(t));
    max = f.let("max", "select i1 " + inf + ", " + ct + " " + LlvmTypes.literal(t, 0) + ", " + ct + " " + max);
    String sumVar = f.var("sum", ct, LlvmTypes.literal(t, 0));
    String j2 = f.loop("j", n);
    String at = f.let("idx", "add nsw i64 " + base + ", " + j2);
    String v2 = f.loadElement(t, x, at);
    String e = LlvmTable.intrinsic(f, t, "exp", f.let("shifted", "fsub " + ct + " " + v2 + ", " + max));
    if (exps != null) {
      f.storeElement(t, exps, at, e);
    }
    f.store(ct, f.let("sum", "fadd reassoc " + ct + " " + f.load(ct, sumVar) + ", " + e), sumVar);
    f.endLoop();
    return new String[] {max, f.load(ct, sumVar)};
  }

  private String softmaxCrossEntropy(LlvmFunction f, Kernel.SoftmaxCrossEntropy s, Map<Buffer, String> params) {
    DType t = s.out().dtype();
    DType lt = s.labels().dtype();
    String ct = LlvmTypes.compute(t);
    String n = f.size(Size.of(s.n()));
    String r = f.loop("r", f.size(s.rows()));
    String base = f.madd(r, n, null);
    String[] ms = rowMaxAndSum(f, s.logits().dtype(), "%in1", base, n, null);
    String lse = LlvmTable.intrinsic(f, t, "log", ms[1]);
    String acc = f.var("acc", ct, LlvmTypes.literal(t, 0));
    String j = f.loop("j", n);
    String at = f.let("idx", "add nsw i64 " + base + ", " + j);
    String label = LlvmTable.cast(f, lt, t, f.loadElement(lt, "%in0", at));
    String x = f.loadElement(s.logits().dtype(), "%in1", at);
    String logp = f.let("logp", "fsub " + ct + " " + f.let("shifted", "fsub " + ct + " " + x + ", " + ms[0]) + ", " + lse);
    f.comment("a zero label contributes nothing, even against a -inf log-probability");
    String term = f.let("term", "fmul " + ct + " " + label + ", " + logp);
    String zero = f.let("zero", "fcmp oeq " + ct + " " + label + ", " + LlvmTypes.literal(t, 0));
    term = f.let("term", "select i1 " + zero + ", " + ct + " " + LlvmTypes.literal(t, 0) + ", " + ct + " " + term);
    f.store(ct, f.let("acc", "fsub reassoc " + ct + " " + f.load(ct, acc) + ", " + term), acc);
    f.endLoop();
    f.storeElement(t, "%out", r, f.load(ct, acc));
    f.endLoop();
    return "softmaxCrossEntropy";
  }

  /** First extreme wins; the first NaN wins over everything (selects only, no early exit). */
  private String argExtremum(LlvmFunction f, Kernel.ArgExtremum a, Map<Buffer, String> params) {
    DType t = a.in().dtype();
    String ct = LlvmTypes.compute(t);
    String n = f.size(Size.of(a.n()));
    String inner = f.size(a.inner());
    String o = f.loop("o", f.size(a.outer()));
    String q = f.loop("q", inner);
    String base = f.madd(f.madd(o, n, null), inner, q);
    String best = f.var("best", "i64", "0");
    String bestValue = f.var("bestValue", ct, a.min() ? LlvmTypes.highest(t) : LlvmTypes.lowest(t));
    String nanSeen = f.var("nanSeen", "i1", "false");
    String j = f.loop("j", n);
    String v = f.loadElement(t, "%in0", f.madd(j, inner, base));
    String bv = f.load(ct, bestValue);
    String better = t.isFloating()
        ? f.let("better", "fcmp " + (a.min() ? "olt " : "ogt ") + ct + " " + v + ", " + bv)
        : f.let("better", "icmp " + (t == DType.U8 || t == DType.BOOL ? "u" : "s")
            + (a.min() ? "lt " : "gt ") + ct + " " + v + ", " + bv);
    String isNan = t.isFloating() ? f.let("isnan", "fcmp uno " + ct + " " + v + ", " + v) : "false";
    String seen = f.load("i1", nanSeen);
    String take = f.let("take", "and i1 " + f.let("fresh", "xor i1 " + seen + ", true") + ", "
        + f.let("cand", "or i1 " + isNan + ", " + better));
    f.store("i64", f.let("best", "select i1 " + take + ", i64 " + j + ", i64 " + f.load("i64", best)), best);
    f.store(ct, f.let("bestv", "select i1 " + take + ", " + ct + " " + v + ", " + ct + " " + bv), bestValue);
    f.store("i1", f.let("seen", "or i1 " + seen + ", " + isNan), nanSeen);
    f.endLoop();
    DType ot = a.out().dtype();
    f.storeElement(ot, "%out", f.madd(o, inner, q), LlvmTable.cast(f, DType.I64, ot, f.load("i64", best)));
    closeNest(f, 2);
    return a.min() ? "argMin" : "argMax";
  }

  /** The body of one valid tap: given the flat row index of input [b, y, x, 0] and (p * kw + q) * c. */
  @FunctionalInterface
  private interface TapBody {
    void at(String xRow, String wRow);
  }

  /**
   * Loops over the window rows and columns of output position (i, j), skipping padded taps (an
   * unsigned compare rejects both negative and too-large coordinates), calling {@code body} for
   * each valid one.
   */
  private static void taps(LlvmFunction f, Kernel.WindowGeometry g, String b, String i, String j, TapBody body) {
    String p = f.loop("p", Integer.toString(g.kh()));
    String y = f.let("y", "sub nsw i64 " + f.madd(i, Integer.toString(g.sh()), p) + ", " + g.ph());
    String endY = f.ifThen(f.let("y.ok", "icmp ult i64 " + y + ", " + g.h()));
    String q = f.loop("q", Integer.toString(g.kw()));
    String x = f.let("x", "sub nsw i64 " + f.madd(j, Integer.toString(g.sw()), q) + ", " + g.pw());
    String endX = f.ifThen(f.let("x.ok", "icmp ult i64 " + x + ", " + g.w()));
    String xRow = f.madd(f.madd(f.madd(b, Integer.toString(g.h()), y), Integer.toString(g.w()), x),
        Integer.toString(g.c()), null);
    String wRow = f.madd(f.madd(p, Integer.toString(g.kw()), q), Integer.toString(g.c()), null);
    body.at(xRow, wRow);
    f.endIf(endX);
    f.endLoop();
    f.endIf(endY);
    f.endLoop();
  }

  /** {@code *slot += v} on element {@code at} of a {@code t} array. */
  private static void accumulate(LlvmFunction f, DType t, String base, String at, String v) {
    String cur = f.loadElement(t, base, at);
    f.storeElement(t, base, at, f.let("acc", "fadd " + LlvmTypes.compute(t) + " " + cur + ", " + v));
  }

  /**
   * Convolutions, pools and their gradients as direct NHWC loop nests, the reference's order:
   * batch, output row, output column, window taps, input channel, then the output channel
   * innermost (contiguous in the output, filter and dOut rows, so O3 vectorises it). Outputs
   * that accumulate are zeroed first; sums accumulate in the element type (the reference sums in
   * double, so results agree to rounding).
   */
  private String window(LlvmFunction f, Kernel.Window k) {
    Kernel.WindowGeometry g = k.g();
    DType t = k.out().dtype();
    String ct = LlvmTypes.compute(t);
    String zero = LlvmTypes.literal(t, 0);
    String c = Integer.toString(g.c());
    String fs = Integer.toString(g.f());
    Kernel.WindowOp op = k.op();
    if (LlvmGemm.supports(t) && (op == Kernel.WindowOp.CONV || op == Kernel.WindowOp.CONV_INPUT
        || op == Kernel.WindowOp.CONV_FILTER)) {
      return convByGemm(f, k);
    }
    if (op != Kernel.WindowOp.MAX_POOL) {
      f.comment("zero the accumulated output");
      String z = f.loop("z", f.size(k.out().size()));
      f.storeElement(t, "%out", z, zero);
      f.endLoop();
    }
    String bestV = null;
    String bestI = null;
    if (op == Kernel.WindowOp.MAX_POOL_GRAD) {
      f.comment("per window: each channel's first maximum (value and flat input index)");
      module.declare("declare noalias ptr @malloc(i64)");
      module.declare("declare void @free(ptr)");
      bestV = f.let("bestv", "call ptr @malloc(i64 " + g.c() * 8L + ")");
      bestI = f.let("besti", "call ptr @malloc(i64 " + g.c() * 8L + ")");
    }
    String b = f.loop("b", f.size(Size.of(k.batch())));
    String i = f.loop("i", Integer.toString(g.oh()));
    String j = f.loop("j", Integer.toString(g.ow()));
    String o = f.madd(f.madd(f.madd(b, Integer.toString(g.oh()), i), Integer.toString(g.ow()), j), fs, null);
    switch (op) {
      case CONV -> taps(f, g, b, i, j, (xRow, wRow) -> {
        String ch = f.loop("ch", c);
        String xv = f.loadElement(t, "%in0", f.let("idx", "add nsw i64 " + xRow + ", " + ch));
        String wBase = f.madd(f.let("idx", "add nsw i64 " + wRow + ", " + ch), fs, null);
        String fo = f.loop("f", fs);
        String wv = f.loadElement(t, "%in1", f.let("idx", "add nsw i64 " + wBase + ", " + fo));
        accumulate(f, t, "%out", f.let("idx", "add nsw i64 " + o + ", " + fo),
            f.let("prod", "fmul " + ct + " " + xv + ", " + wv));
        closeNest(f, 2);
      });
      case CONV_INPUT -> taps(f, g, b, i, j, (xRow, wRow) -> {
        String ch = f.loop("ch", c);
        String wBase = f.madd(f.let("idx", "add nsw i64 " + wRow + ", " + ch), fs, null);
        String acc = f.var("dot", ct, zero);
        String fo = f.loop("f", fs);
        String wv = f.loadElement(t, "%in0", f.let("idx", "add nsw i64 " + wBase + ", " + fo));
        String dv = f.loadElement(t, "%in1", f.let("idx", "add nsw i64 " + o + ", " + fo));
        f.store(ct, f.let("dot", "fadd reassoc " + ct + " " + f.load(ct, acc) + ", "
            + f.let("prod", "fmul " + ct + " " + dv + ", " + wv)), acc);
        f.endLoop();
        accumulate(f, t, "%out", f.let("idx", "add nsw i64 " + xRow + ", " + ch), f.load(ct, acc));
        f.endLoop();
      });
      case CONV_FILTER -> taps(f, g, b, i, j, (xRow, wRow) -> {
        String ch = f.loop("ch", c);
        String xv = f.loadElement(t, "%in0", f.let("idx", "add nsw i64 " + xRow + ", " + ch));
        String wBase = f.madd(f.let("idx", "add nsw i64 " + wRow + ", " + ch), fs, null);
        String fo = f.loop("f", fs);
        String dv = f.loadElement(t, "%in1", f.let("idx", "add nsw i64 " + o + ", " + fo));
        accumulate(f, t, "%out", f.let("idx", "add nsw i64 " + wBase + ", " + fo),
            f.let("prod", "fmul " + ct + " " + xv + ", " + dv));
        closeNest(f, 2);
      });
      case MAX_POOL -> {
        String ch0 = f.loop("ch", c);
        f.storeElement(t, "%out", f.let("idx", "add nsw i64 " + o + ", " + ch0), LlvmTypes.lowest(t));
        f.endLoop();
        f.comment("a larger tap replaces the maximum, a NaN tap too, and a NaN maximum stays");
        taps(f, g, b, i, j, (xRow, wRow) -> {
          String ch = f.loop("ch", c);
          String v = f.loadElement(t, "%in0", f.let("idx", "add nsw i64 " + xRow + ", " + ch));
          String at = f.let("idx", "add nsw i64 " + o + ", " + ch);
          String cur = f.loadElement(t, "%out", at);
          String take = f.let("take", "and i1 " + f.let("ord", "fcmp ord " + ct + " " + cur + ", " + cur)
              + ", " + f.let("gt", "fcmp ugt " + ct + " " + v + ", " + cur));
          f.storeElement(t, "%out", at, f.let("max", "select i1 " + take + ", " + ct + " " + v + ", " + ct + " " + cur));
          f.endLoop();
        });
      }
      case MAX_POOL_GRAD -> {
        String bv = bestV;
        String bi = bestI;
        String ch0 = f.loop("ch", c);
        f.store("i64", "-1", f.gep("i64", bi, ch0));
        f.endLoop();
        taps(f, g, b, i, j, (xRow, wRow) -> {
          String ch = f.loop("ch", c);
          String xAt = f.let("idx", "add nsw i64 " + xRow + ", " + ch);
          String v = f.loadElement(t, "%in0", xAt);
          String iSlot = f.gep("i64", bi, ch);
          String vSlot = f.gep(ct, bv, ch);
          String curI = f.load("i64", iSlot);
          String cur = f.load(ct, vSlot);
          String first = f.let("first", "icmp slt i64 " + curI + ", 0");
          String better = f.let("better", "and i1 " + f.let("ord", "fcmp ord " + ct + " " + cur + ", " + cur)
              + ", " + f.let("gt", "fcmp ugt " + ct + " " + v + ", " + cur));
          String take = f.let("take", "or i1 " + first + ", " + better);
          f.store("i64", f.let("besti", "select i1 " + take + ", i64 " + xAt + ", i64 " + curI), iSlot);
          f.store(ct, f.let("bestv", "select i1 " + take + ", " + ct + " " + v + ", " + ct + " " + cur), vSlot);
          f.endLoop();
        });
        f.comment("route each dOut element to its window's first maximum");
        String ch = f.loop("ch", c);
        String at = f.load("i64", f.gep("i64", bi, ch));
        String dv = f.loadElement(t, "%in1", f.let("idx", "add nsw i64 " + o + ", " + ch));
        accumulate(f, t, "%out", at, dv);
        f.endLoop();
      }
      case AVG_POOL -> {
        String count = f.var("count", "i64", "0");
        taps(f, g, b, i, j, (xRow, wRow) -> {
          f.store("i64", f.let("count", "add nsw i64 " + f.load("i64", count) + ", 1"), count);
          String ch = f.loop("ch", c);
          String v = f.loadElement(t, "%in0", f.let("idx", "add nsw i64 " + xRow + ", " + ch));
          accumulate(f, t, "%out", f.let("idx", "add nsw i64 " + o + ", " + ch), v);
          f.endLoop();
        });
        String n = f.let("n", "sitofp i64 " + f.load("i64", count) + " to " + ct);
        String ch = f.loop("ch", c);
        String at = f.let("idx", "add nsw i64 " + o + ", " + ch);
        f.storeElement(t, "%out", at, f.let("mean", "fdiv " + ct + " " + f.loadElement(t, "%out", at) + ", " + n));
        f.endLoop();
      }
      case AVG_POOL_GRAD -> {
        f.comment("count the window's taps inside the input, then spread dOut / count over them");
        String count = f.var("count", "i64", "0");
        taps(f, g, b, i, j, (xRow, wRow) ->
            f.store("i64", f.let("count", "add nsw i64 " + f.load("i64", count) + ", 1"), count));
        String n = f.let("n", "sitofp i64 " + f.load("i64", count) + " to " + ct);
        taps(f, g, b, i, j, (xRow, wRow) -> {
          String ch = f.loop("ch", c);
          String dv = f.loadElement(t, "%in0", f.let("idx", "add nsw i64 " + o + ", " + ch));
          accumulate(f, t, "%out", f.let("idx", "add nsw i64 " + xRow + ", " + ch),
              f.let("share", "fdiv " + ct + " " + dv + ", " + n));
          f.endLoop();
        });
      }
    }
    closeNest(f, 3);
    if (bestV != null) {
      f.emit("call void @free(ptr " + bestV + ")");
      f.emit("call void @free(ptr " + bestI + ")");
    }
    return lowerFirst(k.node().op().name());
  }

  /**
   * A convolution or one of its gradients as one matrix product over the whole batch (im2col):
   * {@code cols[(b, i, j), (p, q, ch)]} holds input tap (p, q, ch) of output position (b, i, j),
   * zero where the tap falls in the padding, so that with the filter as a [kh·kw·c, f] matrix W
   * (its row-major layout already) the convolution is {@code cols · W}, the filter gradient
   * {@code colsᵀ · dOut} and the input gradient {@code dOut · Wᵀ} scattered back over the taps
   * (col2im). The products run on the register-blocked GEMM ({@link LlvmGemm}) instead of the
   * tap-by-tap loops: LeNet-5's training step was dominated by those.
   */
  private String convByGemm(LlvmFunction f, Kernel.Window k) {
    Kernel.WindowGeometry g = k.g();
    DType t = k.out().dtype();
    String rows = f.madd(f.size(Size.of(k.batch())), Integer.toString(g.oh() * g.ow()), null);
    String depth = Integer.toString(g.kh() * g.kw() * g.c());
    String fs = Integer.toString(g.f());
    String c = Integer.toString(g.c());
    module.declare("declare noalias ptr @calloc(i64, i64)");
    module.declare("declare void @free(ptr)");
    f.comment("cols: [batch * oh * ow, kh * kw * c], zero in the padding");
    String cols = f.let("cols", "call ptr @calloc(i64 " + f.madd(rows, depth, null) + ", i64 " + t.byteSize() + ")");
    boolean input = k.op() == Kernel.WindowOp.CONV_INPUT;
    if (input) {
      f.comment("dCols = dOut · Wᵀ");
      LlvmGemm.call(f, t, "%in1", "%in0", cols, rows, depth, fs, false, true);
      String z = f.loop("z", f.size(k.out().size()));
      f.storeElement(t, "%out", z, LlvmTypes.literal(t, 0));
      f.endLoop();
    }
    String b = f.loop("b", f.size(Size.of(k.batch())));
    String i = f.loop("i", Integer.toString(g.oh()));
    String j = f.loop("j", Integer.toString(g.ow()));
    String row = f.madd(f.madd(f.madd(b, Integer.toString(g.oh()), i), Integer.toString(g.ow()), j), depth, null);
    taps(f, g, b, i, j, (xRow, wRow) -> {
      String colRow = f.let("idx", "add nsw i64 " + row + ", " + wRow);
      String ch = f.loop("ch", c);
      String xAt = f.let("idx", "add nsw i64 " + xRow + ", " + ch);
      String colAt = f.let("idx", "add nsw i64 " + colRow + ", " + ch);
      if (input) {
        accumulate(f, t, "%out", xAt, f.loadElement(t, cols, colAt));
      } else {
        f.storeElement(t, cols, colAt, f.loadElement(t, "%in0", xAt));
      }
      f.endLoop();
    });
    closeNest(f, 3);
    if (k.op() == Kernel.WindowOp.CONV) {
      f.comment("out = cols · W");
      LlvmGemm.call(f, t, cols, "%in1", "%out", rows, fs, depth, false, false);
    } else if (k.op() == Kernel.WindowOp.CONV_FILTER) {
      f.comment("dW = colsᵀ · dOut");
      LlvmGemm.call(f, t, cols, "%in1", "%out", depth, fs, rows, true, false);
    }
    f.emit("call void @free(ptr " + cols + ")");
    return lowerFirst(k.node().op().name()) + "Gemm";
  }

  /** Zeroes the output if asked, then copies each block with a loop nest (innermost contiguous). */
  private String blocks(LlvmFunction f, Kernel.Blocks k, Map<Buffer, String> params) {
    DType t = k.out().dtype();
    if (k.zero()) {
      String bytes = f.madd(f.size(k.out().size()), Integer.toString(t.byteSize()), null);
      module.declare("declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)");
      f.emit("call void @llvm.memset.p0.i64(ptr %out, i8 0, i64 " + bytes + ", i1 false)");
    }
    String st = LlvmTypes.storage(t);
    for (Kernel.Block b : k.blocks()) {
      f.comment("block of " + b.in().node().name() + " " + b.in().node().type());
      String inBase = sum(f, b.inBase());
      String outBase = sum(f, b.outBase());
      List<String> idx = openNest(f, b.domain(), "i");
      String from = f.let("idx", "add nsw i64 " + inBase + ", " + offset(f, idx, b.inStrides()));
      String to = f.let("idx", "add nsw i64 " + outBase + ", " + offset(f, idx, b.outStrides()));
      // Storage values move unchanged (f16, bf16 and bool included).
      f.store(st, f.load(st, f.gep(st, params.get(b.in()), from)), f.gep(st, "%out", to));
      closeNest(f, b.domain().size());
    }
    return lowerFirst(k.node().op().name());
  }

  /** Σ sizes as an i64 value. */
  private static String sum(LlvmFunction f, List<Size> sizes) {
    String s = "0";
    for (Size z : sizes) {
      s = f.madd(f.size(z), "1", s);
    }
    return s;
  }

  /**
   * The entry's status global {@code @<symbol>.status}, {@code [6 x i64]}: the first bad index's
   * op (0 none, 1 gather, 2 scatterAdd, then {@link LlvmSparse}'s 3 sparseMatmul, 4 sparseToDense,
   * 5 sparseGather), then for a gather the index and the table's row count, for a sparse op the
   * nonzero, its row and column, and the dense rows and columns. The entry zeroes it on entry;
   * {@code NativeEntry} reads it after the call and throws.
   */
  private String status() {
    return module.global("status:" + symbol, symbol + ".status",
        name -> "; the first out-of-range index of the last call: op (0 none, 1 gather, 2 scatterAdd,"
            + " 3 sparseMatmul, 4 sparseToDense, 5 sparseGather), then index, rows (gathers) or nonzero,"
            + " row, col, rows, cols (sparse ops)\n" + name + " = global [6 x i64] zeroinitializer, align 8");
  }

  /** Whether {@code k} checks indices and reports a bad one in the entry's status. */
  private static boolean checksIndices(Kernel k) {
    return k instanceof Kernel.Gather || k instanceof Kernel.Sparse;
  }

  /**
   * Row copies (gather) or row sums (scatterAdd) by index; an index outside [0, rows) is an
   * unsigned compare away from touching memory: its gather row is zeroed, its scatter row
   * skipped, and the first one is recorded in the entry's status for the caller to report.
   */
  private String gather(LlvmFunction f, Kernel.Gather g) {
    DType t = g.out().dtype();
    DType it = g.indices().dtype();
    String st = LlvmTypes.storage(t);
    String row = f.size(g.row());
    String rows = f.size(Size.of(g.rows()));
    if (g.scatter()) {
      String bytes = f.madd(f.size(g.out().size()), Integer.toString(t.byteSize()), null);
      module.declare("declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)");
      f.emit("call void @llvm.memset.p0.i64(ptr %out, i8 0, i64 " + bytes + ", i1 false)");
    }
    String i = f.loop("i", f.size(g.count()));
    String idx = f.loadElement(it, "%in1", i);
    if (it != DType.I64) {
      idx = LlvmTable.cast(f, it, DType.I64, idx);
    }
    String ok = f.let("in.range", "icmp ult i64 " + idx + ", " + rows);
    String src = f.madd(g.scatter() ? i : idx, row, null);
    String dst = f.madd(g.scatter() ? idx : i, row, null);
    String endOk = f.ifThen(ok);
    String j = f.loop("j", row);
    String from = f.let("idx", "add nsw i64 " + src + ", " + j);
    String to = f.let("idx", "add nsw i64 " + dst + ", " + j);
    if (g.scatter()) {
      String v = f.loadElement(t, "%in0", from);
      String cur = f.loadElement(t, "%out", to);
      String ct = LlvmTypes.compute(t);
      f.storeElement(t, "%out", to, f.let("sum", (t.isFloating() ? "fadd " : "add ") + ct + " " + cur + ", " + v));
    } else {
      f.store(st, f.load(st, f.gep(st, "%in0", from)), f.gep(st, "%out", to));
    }
    f.endLoop();
    f.endIf(endOk);
    String endBad = f.ifThen(f.let("bad", "xor i1 " + ok + ", true"));
    if (!g.scatter()) {
      String z = f.loop("j", row);
      f.store(st, LlvmTypes.storage(t).equals("float") || LlvmTypes.storage(t).equals("double")
          ? LlvmTypes.literal(t, 0) : "0", f.gep(st, "%out", f.let("idx", "add nsw i64 " + dst + ", " + z)));
      f.endLoop();
    }
    String status = status();
    String fresh = f.let("fresh", "icmp eq i64 " + f.load("i64", status) + ", 0");
    String endFresh = f.ifThen(fresh);
    f.store("i64", g.scatter() ? "2" : "1", status);
    f.store("i64", idx, f.gep("i64", status, "1"));
    f.store("i64", rows, f.gep("i64", status, "2"));
    f.endIf(endFresh);
    f.endIf(endBad);
    f.endLoop();
    return g.scatter() ? "scatterAdd" : "gather";
  }

  private String copy(LlvmFunction f, Kernel.Copy c, Map<Buffer, String> params) {
    String bytes = f.madd(f.size(c.out().size()), Integer.toString(c.out().dtype().byteSize()), null);
    module.declare("declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)");
    f.emit("call void @llvm.memcpy.p0.p0.i64(ptr %out, ptr %in0, i64 " + bytes + ", i1 false)");
    return "copy";
  }

  static String lowerFirst(String s) {
    return Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}

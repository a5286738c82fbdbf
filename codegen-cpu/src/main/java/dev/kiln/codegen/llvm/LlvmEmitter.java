package dev.kiln.codegen.llvm;

import dev.kiln.codegen.kernel.Buffer;
import dev.kiln.codegen.kernel.Kernel;
import dev.kiln.codegen.kernel.KernelProgram;
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
 * exported entry function that unpacks the caller's buffer and size arrays, allocates the
 * intermediates, calls the kernels in schedule order and frees the intermediates.
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
    for (Buffer c : program.constants()) {
      ptrs.put(c, constant(c));
    }
    List<Buffer> allocated = new ArrayList<>();
    for (Kernel k : program.steps()) {
      entry.comment("");
      for (Node n : k.nodes()) {
        entry.comment(Describe.node(n));
      }
      if (k instanceof Kernel.Alias) {
        entry.comment("(a view: same elements as its input, no code)");
        continue;
      }
      Buffer out = k.out();
      if (out.kind() == Buffer.Kind.TEMP && !ptrs.containsKey(out)) {
        String bytes = entry.madd(entry.size(out.size()), Integer.toString(out.dtype().byteSize()), null);
        module.declare("declare noalias ptr @malloc(i64)");
        ptrs.put(out, entry.let("t." + bufferHint(out), "call ptr @malloc(i64 " + bytes + ")"));
        allocated.add(out);
      }
      String name = kernel(k);
      List<String> args = new ArrayList<>();
      args.add("ptr " + ptrs.get(out));
      for (Buffer in : k.inputs()) {
        args.add("ptr " + ptrs.get(in));
      }
      for (String s : lastKernelSymbols) {
        args.add("i64 " + dims.get(s));
      }
      entry.emit("call void " + name + "(" + String.join(", ", args) + ")");
    }
    if (!allocated.isEmpty()) {
      entry.comment("");
      entry.comment("intermediates");
      module.declare("declare void @free(ptr)");
      for (Buffer b : allocated) {
        entry.emit("call void @free(ptr " + ptrs.get(b) + ")");
      }
    }
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
        + entry.build("define void @" + symbol + "(ptr noalias %buffers, ptr noalias %sizes)");
  }

  private List<String> lastKernelSymbols = List.of();

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
      case Kernel.Copy c -> copy(f, c, params);
      case Kernel.Alias a -> throw new IllegalStateException("aliases have no kernel");
    };
    String name = "@" + symbol + ".k" + kernelCount++ + "." + what;
    StringBuilder sig = new StringBuilder("define internal void " + name + "(ptr noalias %out");
    for (Buffer in : k.inputs()) {
      sig.append(", ptr noalias readonly ").append(params.get(in));
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

  private String map(LlvmFunction f, Kernel.Map m, Map<Buffer, String> params) {
    f.comment("one pass over " + m.out().node().type() + "; fused values stay in registers");
    List<String> idx = openNest(f, m.domain(), "i");
    Map<Node, String> values = new HashMap<>();
    String last = null;
    for (Kernel.Let let : m.body()) {
      last = scalar(f, let.value(), idx, params, values);
      values.put(let.node(), last);
    }
    Node root = m.body().getLast().node();
    f.storeElement(root.type().dtype(), "%out", offset(f, idx, contiguous(m.domain())), last);
    closeNest(f, m.domain().size());
    return m.nodes().size() == 1 ? lowerFirst(root.op().name()) : "fused";
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
   * output's compute type.
   */
  private String reduce(LlvmFunction f, Kernel.Reduce r, Map<Buffer, String> params) {
    DType t = r.out().dtype();
    boolean wide = t.isFloating() && (r.fold() != Kernel.Fold.MAX && r.fold() != Kernel.Fold.MIN);
    DType accType = wide ? DType.F64 : t;
    String at = LlvmTypes.compute(accType);
    String outSize = f.size(r.out().size());
    String acc;
    if (wide) {
      module.declare("declare noalias ptr @malloc(i64)");
      module.declare("declare void @free(ptr)");
      acc = f.let("acc", "call ptr @malloc(i64 " + f.madd(outSize, "8", null) + ")");
    } else {
      acc = "%out";
    }
    String init = switch (r.fold()) {
      case SUM, MEAN -> LlvmTypes.literal(accType, 0);
      case PROD -> LlvmTypes.literal(accType, 1);
      case MAX -> LlvmTypes.lowest(accType);
      case MIN -> LlvmTypes.highest(accType);
    };
    String o0 = f.loop("o", outSize);
    f.store(LlvmTypes.storage(accType), wide ? init : f.toStorage(accType, init), f.gep(LlvmTypes.storage(accType), acc, o0));
    f.endLoop();
    List<Dim> inDims = r.in().dims();
    List<Dim> outDims = r.out().dims();
    List<Size> outStrides = new ArrayList<>();
    for (int d = 0; d < inDims.size(); d++) {
      int a = r.outAxis()[d];
      outStrides.add(a < 0 ? Size.ZERO : Size.of(outDims.subList(a + 1, outDims.size())));
    }
    f.comment(r.fold() + " of " + r.in().node().type() + " -> " + r.out().node().type());
    List<String> idx = openNest(f, inDims, "c");
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
      String o1 = f.loop("o", outSize);
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
    if (wide) {
      f.emit("call void @free(ptr " + acc + ")");
    }
    return lowerFirst(r.node().op().name());
  }

  /**
   * Without transposed b: blocked i-k-j loops, each a[i, p] scaling row p of b into row i of out
   * (the inner loop contiguous in both); with it: dot products along contiguous rows of b.
   */
  private String matmul(LlvmFunction f, Kernel.MatMul mm, Map<Buffer, String> params) {
    DType t = mm.out().dtype();
    String ct = LlvmTypes.compute(t);
    boolean fl = t.isFloating();
    String m = f.size(Size.of(mm.m()));
    String n = f.size(Size.of(mm.n()));
    String k = f.size(Size.of(mm.k()));
    if (!mm.transposeB()) {
      f.comment("zero the output, then blocked i-k-j loops (" + BLOCK + "-wide blocks of i and k keep rows in cache)");
      String z = f.loop("z", f.size(mm.out().size()));
      f.storeElement(t, "%out", z, LlvmTypes.literal(t, 0));
      f.endLoop();
      String i0 = f.loop("i0", "0", m, Integer.toString(BLOCK));
      String iEnd = min(f, f.let("iend", "add nsw i64 " + i0 + ", " + BLOCK), m);
      String k0 = f.loop("k0", "0", k, Integer.toString(BLOCK));
      String kEnd = min(f, f.let("kend", "add nsw i64 " + k0 + ", " + BLOCK), k);
      String i = f.loop("i", i0, iEnd, "1");
      String p = f.loop("p", k0, kEnd, "1");
      String aAt = mm.transposeA() ? f.madd(p, m, i) : f.madd(i, k, p);
      String av = f.loadElement(t, "%in0", aAt);
      String bRow = f.madd(p, n, null);
      String oRow = f.madd(i, n, null);
      String j = f.loop("j", n);
      String bv = f.loadElement(t, "%in1", f.let("idx", "add nsw i64 " + bRow + ", " + j));
      String oAt = f.let("idx", "add nsw i64 " + oRow + ", " + j);
      String cur = f.loadElement(t, "%out", oAt);
      String prod = f.let("prod", (fl ? "fmul " : "mul ") + ct + " " + av + ", " + bv);
      f.storeElement(t, "%out", oAt, f.let("sum", (fl ? "fadd " : "add ") + ct + " " + cur + ", " + prod));
      closeNest(f, 5);
    } else {
      f.comment("b is transposed: out[i, j] is the dot product of a row of op(a) and row j of b");
      String i = f.loop("i", m);
      String j = f.loop("j", n);
      String acc = f.var("sum", ct, LlvmTypes.literal(t, 0));
      String p = f.loop("p", k);
      String aAt = mm.transposeA() ? f.madd(p, m, i) : f.madd(i, k, p);
      String av = f.loadElement(t, "%in0", aAt);
      String bv = f.loadElement(t, "%in1", f.madd(j, k, p));
      String prod = f.let("prod", (fl ? "fmul " : "mul ") + ct + " " + av + ", " + bv);
      String cur = f.load(ct, acc);
      f.store(ct, f.let("sum", (fl ? "fadd reassoc " : "add ") + ct + " " + cur + ", " + prod), acc);
      f.endLoop();
      f.storeElement(t, "%out", f.madd(i, n, j), f.load(ct, acc));
      closeNest(f, 2);
    }
    return "matMul";
  }

  private static String min(LlvmFunction f, String a, String b) {
    String c = f.let("lt", "icmp slt i64 " + a + ", " + b);
    return f.let("min", "select i1 " + c + ", i64 " + a + ", i64 " + b);
  }

  /** Per row: the maximum (0 when infinite), Σ exp(x - max), then the outputs. */
  private String softmax(LlvmFunction f, Kernel.Softmax s, Map<Buffer, String> params) {
    DType t = s.out().dtype();
    String ct = LlvmTypes.compute(t);
    String n = f.size(Size.of(s.n()));
    String r = f.loop("r", f.size(s.rows()));
    String base = f.madd(r, n, null);
    String[] ms = rowMaxAndSum(f, t, "%in0", base, n);
    String max = ms[0];
    String sum = ms[1];
    String lse = s.log() ? LlvmTable.intrinsic(f, t, "log", sum) : null;
    String j = f.loop("j", n);
    String at = f.let("idx", "add nsw i64 " + base + ", " + j);
    String x = f.loadElement(t, "%in0", at);
    String shifted = f.let("shifted", "fsub " + ct + " " + x + ", " + max);
    String v = s.log() ? f.let("logp", "fsub " + ct + " " + shifted + ", " + lse)
        : f.let("p", "fdiv " + ct + " " + LlvmTable.intrinsic(f, t, "exp", shifted) + ", " + sum);
    f.storeElement(t, "%out", at, v);
    closeNest(f, 2);
    return s.log() ? "logSoftmax" : "softmax";
  }

  /** Emits the stable row maximum and Σ exp(x - max) of a row; returns both values. */
  private static String[] rowMaxAndSum(LlvmFunction f, DType t, String x, String base, String n) {
    String ct = LlvmTypes.compute(t);
    f.comment("stable: subtract the row maximum before exponentiating");
    String maxVar = f.var("max", ct, LlvmTypes.lowest(t));
    String j = f.loop("j", n);
    String v = f.loadElement(t, x, f.let("idx", "add nsw i64 " + base + ", " + j));
    f.store(ct, LlvmTable.extremum(f, t, f.load(ct, maxVar), v, true), maxVar);
    f.endLoop();
    String max = f.load(ct, maxVar);
    f.comment("a row of -inf, or one holding +inf: no shift; IEEE arithmetic then gives NaN");
    String inf = f.let("inf", "fcmp oeq " + ct + " " + LlvmTable.intrinsic(f, t, "fabs", max) + ", "
        + LlvmTypes.highest(t));
    max = f.let("max", "select i1 " + inf + ", " + ct + " " + LlvmTypes.literal(t, 0) + ", " + ct + " " + max);
    String sumVar = f.var("sum", ct, LlvmTypes.literal(t, 0));
    String j2 = f.loop("j", n);
    String v2 = f.loadElement(t, x, f.let("idx", "add nsw i64 " + base + ", " + j2));
    String e = LlvmTable.intrinsic(f, t, "exp", f.let("shifted", "fsub " + ct + " " + v2 + ", " + max));
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
    String[] ms = rowMaxAndSum(f, s.logits().dtype(), "%in1", base, n);
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

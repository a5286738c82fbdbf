package dev.kiln.codegen.llvm;

import dev.kiln.codegen.kernel.KernelLowering;
import dev.kiln.compiler.ir.Node;
import dev.kiln.dsl.DType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The LLVM backend's one table of templates: each elementwise op renders one element as SSA
 * instructions over its operands' compute values (fused loops chain them); every other op
 * lowers to a target-neutral kernel ({@link KernelLowering}) that {@link LlvmEmitter} renders.
 * {@link #covered()} is what a test compares against the standard ops.
 */
final class LlvmTable {
  private LlvmTable() {}

  /**
   * One element of an elementwise op: instructions appended to {@code f} computing the node's
   * value from {@code args} (compute values of the operands; {@code in} is operand 0's dtype),
   * returning the compute value of the node's dtype.
   */
  @FunctionalInterface
  interface Scalar {
    String render(LlvmFunction f, Node node, DType in, List<String> args);
  }

  static final Map<String, Scalar> SCALARS = new LinkedHashMap<>();

  static {
    // ---- binary arithmetic (bool: or, xor, and as the Java backend) ----------------------
    SCALARS.put("Add", arith("fadd", "add", "or"));
    SCALARS.put("Sub", arith("fsub", "sub", "xor"));
    SCALARS.put("Mul", arith("fmul", "mul", "and"));
    SCALARS.put("Div", LlvmTable::div);
    SCALARS.put("Maximum", (f, n, in, a) -> extremum(f, in, a.get(0), a.get(1), true));
    SCALARS.put("Minimum", (f, n, in, a) -> extremum(f, in, a.get(0), a.get(1), false));
    SCALARS.put("Pow", LlvmTable::pow);
    // ---- comparisons (bool compares as unsigned i1: false < true) ------------------------
    SCALARS.put("Equal", compare("oeq", "eq", "eq"));
    SCALARS.put("NotEqual", compare("une", "ne", "ne"));
    SCALARS.put("Less", compare("olt", "slt", "ult"));
    SCALARS.put("Greater", compare("ogt", "sgt", "ugt"));
    SCALARS.put("LessEqual", compare("ole", "sle", "ule"));
    SCALARS.put("GreaterEqual", compare("oge", "sge", "uge"));
    // ---- logic ---------------------------------------------------------------------------
    SCALARS.put("LogicalAnd", (f, n, in, a) -> f.let("and", "and i1 " + a.get(0) + ", " + a.get(1)));
    SCALARS.put("LogicalOr", (f, n, in, a) -> f.let("or", "or i1 " + a.get(0) + ", " + a.get(1)));
    SCALARS.put("LogicalNot", (f, n, in, a) -> f.let("not", "xor i1 " + a.get(0) + ", true"));
    SCALARS.put("Select", (f, n, in, a) -> f.let("sel", "select i1 " + a.get(0) + ", "
        + LlvmTypes.compute(n.type().dtype()) + " " + a.get(1) + ", "
        + LlvmTypes.compute(n.type().dtype()) + " " + a.get(2)));
    // ---- unary ---------------------------------------------------------------------------
    SCALARS.put("Neg", (f, n, in, a) -> in.isFloating()
        ? f.let("neg", "fneg " + LlvmTypes.compute(in) + " " + a.get(0))
        : f.let("neg", "sub " + LlvmTypes.compute(in) + " 0, " + a.get(0)));
    SCALARS.put("Exp", (f, n, in, a) -> intrinsic(f, in, "exp", a.get(0)));
    SCALARS.put("Log", (f, n, in, a) -> intrinsic(f, in, "log", a.get(0)));
    SCALARS.put("Sqrt", (f, n, in, a) -> intrinsic(f, in, "sqrt", a.get(0)));
    SCALARS.put("Rsqrt", (f, n, in, a) -> f.let("rsqrt", "fdiv " + LlvmTypes.compute(in) + " "
        + LlvmTypes.literal(in, 1) + ", " + intrinsic(f, in, "sqrt", a.get(0))));
    SCALARS.put("Tanh", (f, n, in, a) -> libm(f, in, "tanh", a.get(0)));
    SCALARS.put("Square", (f, n, in, a) -> f.let("sq", (in.isFloating() ? "fmul " : "mul ")
        + LlvmTypes.compute(in) + " " + a.get(0) + ", " + a.get(0)));
    SCALARS.put("Abs", (f, n, in, a) -> in.isFloating() ? intrinsic(f, in, "fabs", a.get(0))
        : in == DType.U8 || in == DType.BOOL ? a.get(0)
        : f.let("abs", "select i1 " + f.let("neg.c", "icmp slt " + LlvmTypes.compute(in) + " "
            + a.get(0) + ", 0") + ", " + LlvmTypes.compute(in) + " "
            + f.let("neg", "sub " + LlvmTypes.compute(in) + " 0, " + a.get(0)) + ", "
            + LlvmTypes.compute(in) + " " + a.get(0)));
    SCALARS.put("Relu", (f, n, in, a) -> extremum(f, in, a.get(0), LlvmTypes.literal(in, 0), true));
    SCALARS.put("Sigmoid", LlvmTable::sigmoid);
    SCALARS.put("Softplus", (f, n, in, a) -> softplus(f, in, a.get(0)));
    SCALARS.put("LeakyRelu", LlvmTable::leakyRelu);
    SCALARS.put("Cast", (f, n, in, a) -> cast(f, in, n.type().dtype(), a.get(0)));
    // labels z, logits x: max(x, 0) - x z + log1p(e^-|x|), which never overflows.
    SCALARS.put("SigmoidCrossEntropyWithLogits", (f, n, in, a) -> {
      String t = LlvmTypes.compute(in);
      String x = a.get(1);
      String pos = extremum(f, in, x, LlvmTypes.literal(in, 0), true);
      String xz = f.let("xz", "fmul " + t + " " + x + ", " + a.get(0));
      String tail = softplusTail(f, in, x);
      return f.let("sce", "fadd " + t + " " + f.let("sce", "fsub " + t + " " + pos + ", " + xz) + ", " + tail);
    });
  }

  /** Every op with an LLVM template: the elementwise ones here and the lowered ones. */
  static Set<String> covered() {
    Set<String> s = new TreeSet<>(SCALARS.keySet());
    s.addAll(KernelLowering.loweredOps());
    s.add("Placeholder");
    s.add("Variable");
    s.add("Const");
    return s;
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static Scalar arith(String fop, String iop, String bop) {
    return (f, n, in, a) -> {
      String t = LlvmTypes.compute(in);
      String op = in.isFloating() ? fop : in == DType.BOOL ? bop : iop;
      return f.let(iop, op + " " + t + " " + a.get(0) + ", " + a.get(1));
    };
  }

  /**
   * Integer division by zero is undefined in LLVM (and would crash the process): a zero divisor
   * divides by one instead. Bool: {@code x || !y}, as the Java backend.
   */
  private static String div(LlvmFunction f, Node n, DType in, List<String> a) {
    String t = LlvmTypes.compute(in);
    if (in.isFloating()) {
      return f.let("div", "fdiv " + t + " " + a.get(0) + ", " + a.get(1));
    }
    if (in == DType.BOOL) {
      return f.let("div", "or i1 " + a.get(0) + ", " + f.let("not", "xor i1 " + a.get(1) + ", true"));
    }
    String zero = f.let("div.zero", "icmp eq " + t + " " + a.get(1) + ", 0");
    String d = f.let("div.by", "select i1 " + zero + ", " + t + " 1, " + t + " " + a.get(1));
    return f.let("div", (in == DType.U8 ? "udiv " : "sdiv ") + t + " " + a.get(0) + ", " + d);
  }

  private static Scalar compare(String fcmp, String icmp, String boolCmp) {
    return (f, n, in, a) -> {
      String t = LlvmTypes.compute(in);
      String pred = in.isFloating() ? fcmp : in == DType.BOOL || in == DType.U8
          ? boolCmp.replace("s", "u") : icmp;
      return f.let("cmp", (in.isFloating() ? "fcmp " : "icmp ") + pred + " " + t + " "
          + a.get(0) + ", " + a.get(1));
    };
  }

  /** max (or min) of two compute values; for floats a NaN operand wins, as Java's Math.max. */
  static String extremum(LlvmFunction f, DType in, String x, String y, boolean max) {
    String t = LlvmTypes.compute(in);
    if (in.isFloating()) {
      String pick = f.let("pick", "fcmp " + (max ? "ogt " : "olt ") + t + " " + x + ", " + y);
      String m = f.let(max ? "max" : "min", "select i1 " + pick + ", " + t + " " + x + ", " + t + " " + y);
      String nan = f.let("isnan", "fcmp uno " + t + " " + x + ", " + x);
      return f.let(max ? "max" : "min", "select i1 " + nan + ", " + t + " " + x + ", " + t + " " + m);
    }
    String pred = (max ? "gt" : "lt");
    pred = (in == DType.U8 || in == DType.BOOL ? "u" : "s") + pred;
    String pick = f.let("pick", "icmp " + pred + " " + t + " " + x + ", " + y);
    return f.let(max ? "max" : "min", "select i1 " + pick + ", " + t + " " + x + ", " + t + " " + y);
  }

  /** An LLVM math intrinsic ({@code llvm.exp.f32} ...), lowered to vector code or libm. */
  static String intrinsic(LlvmFunction f, DType in, String name, String... args) {
    String t = LlvmTypes.compute(in);
    if (name.equals("exp") && t.equals("float")) { // vectorizable, unlike llvm.exp.f32's expf calls
      return f.let("exp", "call float " + LlvmMath.expf(f.module()) + "(float " + args[0] + ")");
    }
    return f.module().call(f, t, "llvm." + name + "." + LlvmTypes.suffix(t), args);
  }

  /** A libm function: {@code tanhf} for float, {@code tanh} for double. */
  static String libm(LlvmFunction f, DType in, String name, String... args) {
    String t = LlvmTypes.compute(in);
    return f.module().call(f, t, t.equals("float") ? name + "f" : name, args);
  }

  private static String pow(LlvmFunction f, Node n, DType in, List<String> a) {
    if (in.isFloating()) {
      return intrinsic(f, in, "pow", a.get(0), a.get(1));
    }
    // Integers: through double, as the reference computes it, then converted back.
    String x = cast(f, in, DType.F64, a.get(0));
    String y = cast(f, in, DType.F64, a.get(1));
    return cast(f, DType.F64, n.type().dtype(), intrinsic(f, DType.F64, "pow", x, y));
  }

  /** The two-sided logistic: e = exp(-|x|); x >= 0 ? 1 / (1 + e) : e / (1 + e). */
  private static String sigmoid(LlvmFunction f, Node n, DType in, List<String> a) {
    String t = LlvmTypes.compute(in);
    String x = a.get(0);
    String abs = intrinsic(f, in, "fabs", x);
    String e = intrinsic(f, in, "exp", f.let("neg", "fneg " + t + " " + abs));
    String den = f.let("den", "fadd " + t + " " + LlvmTypes.literal(in, 1) + ", " + e);
    String nonNeg = f.let("nonneg", "fcmp oge " + t + " " + x + ", " + LlvmTypes.literal(in, 0));
    String num = f.let("num", "select i1 " + nonNeg + ", " + t + " " + LlvmTypes.literal(in, 1) + ", " + t + " " + e);
    return f.let("sigmoid", "fdiv " + t + " " + num + ", " + den);
  }

  /** log1p(exp(-|x|)). */
  private static String softplusTail(LlvmFunction f, DType in, String x) {
    String t = LlvmTypes.compute(in);
    String abs = intrinsic(f, in, "fabs", x);
    String e = intrinsic(f, in, "exp", f.let("neg", "fneg " + t + " " + abs));
    return libm(f, in, "log1p", e);
  }

  private static String softplus(LlvmFunction f, DType in, String x) {
    String t = LlvmTypes.compute(in);
    String pos = extremum(f, in, x, LlvmTypes.literal(in, 0), true);
    return f.let("softplus", "fadd " + t + " " + pos + ", " + softplusTail(f, in, x));
  }

  /** x > 0 or NaN ? x : alpha * x. */
  private static String leakyRelu(LlvmFunction f, Node n, DType in, List<String> a) {
    String t = LlvmTypes.compute(in);
    String x = a.get(0);
    String keep = f.let("keep", "fcmp ugt " + t + " " + x + ", " + LlvmTypes.literal(in, 0));
    String scaled = f.let("scaled", "fmul " + t + " " + x + ", " + LlvmTypes.literal(in, n.attrs().getDouble("alpha")));
    return f.let("lrelu", "select i1 " + keep + ", " + t + " " + x + ", " + t + " " + scaled);
  }

  /**
   * Converts a compute value of {@code from} to one of {@code to} with Java's semantics (the
   * reference's): float to int saturates (NaN is 0) through i32, or i64 for i64, then wraps.
   */
  static String cast(LlvmFunction f, DType from, DType to, String x) {
    String ft = LlvmTypes.compute(from);
    String tt = LlvmTypes.compute(to);
    if (from == to || ft.equals(tt)) {
      return x;
    }
    if (to == DType.BOOL) {
      return from.isFloating() ? f.let("cast", "fcmp une " + ft + " " + x + ", " + LlvmTypes.literal(from, 0))
          : f.let("cast", "icmp ne " + ft + " " + x + ", 0");
    }
    if (from == DType.BOOL) {
      return f.let("cast", (to.isFloating() ? "uitofp i1 " : "zext i1 ") + x + " to " + tt);
    }
    if (from.isFloating() && to.isFloating()) {
      return f.let("cast", (ft.equals("float") ? "fpext float " : "fptrunc double ") + x + " to " + tt);
    }
    if (from.isFloating()) {
      String wide = to == DType.I64 ? "i64" : "i32";
      String sat = "llvm.fptosi.sat." + wide + "." + LlvmTypes.suffix(ft);
      f.module().declare("declare " + wide + " @" + sat + "(" + ft + ")");
      String v = f.let("cast", "call " + wide + " @" + sat + "(" + ft + " " + x + ")");
      return wide.equals(tt) ? v : f.let("cast", "trunc " + wide + " " + v + " to " + tt);
    }
    if (to.isFloating()) {
      return f.let("cast", (from == DType.U8 ? "uitofp " : "sitofp ") + ft + " " + x + " to " + tt);
    }
    int fb = LlvmTypes.bits(from);
    int tb = LlvmTypes.bits(to);
    if (tb < fb) {
      return f.let("cast", "trunc " + ft + " " + x + " to " + tt);
    }
    return f.let("cast", (from == DType.U8 ? "zext " : "sext ") + ft + " " + x + " to " + tt);
  }
}

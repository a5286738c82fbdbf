package dev.kiln.codegen.java;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java backend's one kernel template per op, keyed by op name (in the manner of tinygrad's
 * C-style renderer): elementwise ops are expression templates that fused loops splice together;
 * every other op is a small emitter that writes one kernel method (or an inline statement).
 * Source ops (placeholders, variables, constants) have no template: the entry point reads them.
 */
final class KernelTable {
  private KernelTable() {}

  /** A template: either an elementwise expression or an emitter. */
  sealed interface Template permits Expr, Emitter {}

  /**
   * One element of an elementwise op: a Java expression over its operands' element expressions
   * (each a single token or array access), given the operand dtype {@code in} and the result
   * dtype {@code out}.
   */
  @FunctionalInterface
  non-sealed interface Expr extends Template {
    String render(DType in, DType out, Attrs attrs, List<String> args);
  }

  /** Writes code computing {@code node} into a new local array named {@code out}. */
  @FunctionalInterface
  non-sealed interface Emitter extends Template {
    void emit(EmitContext ctx, Node node, List<String> inputs, String out);
  }

  /** What an emitter may do in the entry point it is writing. */
  interface EmitContext {
    /** A new kernel method under construction. */
    KernelMethod kernel();

    /**
     * Adds {@code kernel} (named {@code baseName}, deduplicated) to the class and calls it from the
     * entry point: {@code T[] out = baseName(args);}.
     */
    void call(KernelMethod kernel, String baseName, Node node, String out, String javadoc);

    /** Adds a statement to the entry point's body. */
    void statement(CodeBlock code);

    /** The entry point's body itself, for control flow that opens blocks ({@code if}, {@code while}). */
    CodeBlock.Builder code();

    /** A new local name of the entry point's method, close to {@code suggestion}. */
    String newLocal(String suggestion);

    /**
     * Writes the nodes of a control-flow region inline, its params bound to the locals
     * {@code args}; returns the locals (or constant fields) holding its results.
     */
    List<String> inlineRegion(dev.kiln.compiler.ir.Region r, List<String> args, String label);

    /** Whether this entry point is a training step (dropout draws masks) or a fetch. */
    boolean training();

    /** The expression of the model instance's seeded generator, for random kernels' callers. */
    String generator();
  }

  static final Map<String, Template> TEMPLATES = new LinkedHashMap<>();

  static {
    // ---- binary elementwise ---------------------------------------------------------------
    TEMPLATES.put("Add", binary("+", "||"));
    TEMPLATES.put("Sub", binary("-", "!="));
    TEMPLATES.put("Mul", binary("*", "&&"));
    TEMPLATES.put("Div", (Expr) (in, out, attrs, a) -> in == DType.BOOL
        ? a.get(0) + " || !" + a.get(1) : a.get(0) + " / " + a.get(1));
    TEMPLATES.put("Maximum", (Expr) (in, out, attrs, a) -> in == DType.BOOL
        ? a.get(0) + " || " + a.get(1) : "Math.max(" + a.get(0) + ", " + a.get(1) + ")");
    TEMPLATES.put("Minimum", (Expr) (in, out, attrs, a) -> in == DType.BOOL
        ? a.get(0) + " && " + a.get(1) : "Math.min(" + a.get(0) + ", " + a.get(1) + ")");
    TEMPLATES.put("Equal", binary("==", "=="));
    TEMPLATES.put("NotEqual", binary("!=", "!="));
    TEMPLATES.put("Less", (Expr) (in, out, attrs, a) -> in == DType.BOOL
        ? "!" + a.get(0) + " && " + a.get(1) : a.get(0) + " < " + a.get(1));
    TEMPLATES.put("Greater", (Expr) (in, out, attrs, a) -> in == DType.BOOL
        ? a.get(0) + " && !" + a.get(1) : a.get(0) + " > " + a.get(1));

    // ---- unary elementwise ----------------------------------------------------------------
    TEMPLATES.put("Neg", (Expr) (in, out, attrs, a) -> "-" + a.get(0));
    TEMPLATES.put("Exp", math("Math.exp(%s)"));
    TEMPLATES.put("Log", math("Math.log(%s)"));
    TEMPLATES.put("Sqrt", math("Math.sqrt(%s)"));
    TEMPLATES.put("Tanh", math("Math.tanh(%s)"));
    // The two-sided form never overflows exp, as the reference evaluates it.
    TEMPLATES.put("Sigmoid", math("%1$s >= 0 ? 1 / (1 + Math.exp(-%1$s))"
        + " : Math.exp(%1$s) / (1 + Math.exp(%1$s))"));
    TEMPLATES.put("Square", (Expr) (in, out, attrs, a) -> a.get(0) + " * " + a.get(0));
    TEMPLATES.put("Abs", (Expr) (in, out, attrs, a) -> "Math.abs(" + a.get(0) + ")");
    TEMPLATES.put("Relu", (Expr) (in, out, attrs, a) ->
        "Math.max(" + a.get(0) + ", " + JavaTypes.literal(in, 0) + ")");
    TEMPLATES.put("Cast", (Expr) (in, out, attrs, a) -> cast(in, out, a.get(0)));

    // ---- everything else ------------------------------------------------------------------
    TEMPLATES.put("MatMul", (Emitter) KernelTable::matmul);
    TEMPLATES.put("Reshape", (Emitter) KernelTable::reshape);
    TEMPLATES.put("ControlDependency", (Emitter) KernelTable::controlDependency);
    TEMPLATES.put("ReduceSum", (Emitter) (ctx, n, in, out) -> reduction(ctx, n, in, out, Fold.SUM));
    TEMPLATES.put("ReduceMean", (Emitter) (ctx, n, in, out) -> reduction(ctx, n, in, out, Fold.MEAN));
    TEMPLATES.put("ReduceMax", (Emitter) (ctx, n, in, out) -> reduction(ctx, n, in, out, Fold.MAX));
    TEMPLATES.put("ArgMax", (Emitter) (ctx, n, in, out) -> argExtremum(ctx, n, in, out, false));
    TEMPLATES.put("Softmax", (Emitter) (ctx, n, in, out) -> softmax(ctx, n, in, out, false));
    TEMPLATES.put("LogSoftmax", (Emitter) (ctx, n, in, out) -> softmax(ctx, n, in, out, true));
    TEMPLATES.put("BroadcastLike", (Emitter) KernelTable::broadcastLike);
    TEMPLATES.put("SumToShape", (Emitter) KernelTable::sumToShape);
    TEMPLATES.put("ElementCount", (Emitter) KernelTable::elementCount);
    // Neural, random (see NeuralKernels): the stable logistic loss fuses like any elementwise op.
    TEMPLATES.put("SigmoidCrossEntropyWithLogits", math2("Math.max(%2$s, 0) - %2$s * %1$s"
        + " + Math.log1p(Math.exp(-Math.abs(%2$s)))"));
    TEMPLATES.put("SoftmaxCrossEntropyWithLogits", (Emitter) NeuralKernels::softmaxCrossEntropy);
    TEMPLATES.put("Conv2D", (Emitter) NeuralKernels::conv2d);
    TEMPLATES.put("Conv2DBackpropInput", (Emitter) NeuralKernels::conv2dBackpropInput);
    TEMPLATES.put("Conv2DBackpropFilter", (Emitter) NeuralKernels::conv2dBackpropFilter);
    TEMPLATES.put("MaxPool", (Emitter) NeuralKernels::maxPool);
    TEMPLATES.put("MaxPoolGrad", (Emitter) NeuralKernels::maxPoolGrad);
    TEMPLATES.put("AvgPool", (Emitter) NeuralKernels::avgPool);
    TEMPLATES.put("AvgPoolGrad", (Emitter) NeuralKernels::avgPoolGrad);
    TEMPLATES.put("DropoutMask", (Emitter) NeuralKernels::dropoutMask);
    TEMPLATES.put("RandomNormal", (Emitter) NeuralKernels::randomTensor);
    TEMPLATES.put("TruncatedNormal", (Emitter) NeuralKernels::randomTensor);
    TEMPLATES.put("RandomUniform", (Emitter) NeuralKernels::randomTensor);
    TEMPLATES.put("RandomShuffle", (Emitter) NeuralKernels::randomShuffle);
    // run-time control flow: see ControlFlowKernels
    TEMPLATES.put("If", (Emitter) ControlFlowKernels::ifElse);
    TEMPLATES.put("While", (Emitter) ControlFlowKernels::whileLoop);
    TEMPLATES.put("Output", (Emitter) ControlFlowKernels::output);
    TEMPLATES.put("At", (Emitter) ControlFlowKernels::at);
    TEMPLATES.put("ScatterAt", (Emitter) ControlFlowKernels::scatterAt);
    TEMPLATES.put("Assign", StateKernels.write("="));
    TEMPLATES.put("AssignAdd", StateKernels.write("+="));
    TEMPLATES.put("AssignSub", StateKernels.write("-="));
  }

  // Ops of the op-coverage issue: elementwise expressions here, emitters in ShapeKernels and
  // MatrixKernels.
  static {
    TEMPLATES.put("Pow", (Expr) (in, out, attrs, a) ->
        JavaTypes.fromDouble(out, "Math.pow(" + a.get(0) + ", " + a.get(1) + ")"));
    TEMPLATES.put("Rsqrt", math("1 / Math.sqrt(%s)"));
    // Stable: max(x, 0) + log1p(e^-|x|) never overflows and keeps the small term.
    TEMPLATES.put("Softplus", math("Math.max(%1$s, 0) + Math.log1p(Math.exp(-Math.abs(%1$s)))"));
    TEMPLATES.put("LeakyRelu", (Expr) (in, out, attrs, a) -> {
      String x = a.get(0);
      String e = x + " > 0 || " + x + " != " + x + " ? " + x + " : "
          + JavaTypes.literal(DType.F64, attrs.getDouble("alpha")) + " * " + x;
      return in == DType.F32 ? "(float) (" + e + ")" : e;
    });
    TEMPLATES.put("LogicalAnd", (Expr) (in, out, attrs, a) -> a.get(0) + " && " + a.get(1));
    TEMPLATES.put("LogicalOr", (Expr) (in, out, attrs, a) -> a.get(0) + " || " + a.get(1));
    TEMPLATES.put("LogicalNot", (Expr) (in, out, attrs, a) -> "!" + a.get(0));
    TEMPLATES.put("Select", (Expr) (in, out, attrs, a) ->
        a.get(0) + " ? " + a.get(1) + " : " + a.get(2));
    TEMPLATES.put("LessEqual", (Expr) (in, out, attrs, a) -> in == DType.BOOL
        ? "!" + a.get(0) + " || " + a.get(1) : a.get(0) + " <= " + a.get(1));
    TEMPLATES.put("GreaterEqual", (Expr) (in, out, attrs, a) -> in == DType.BOOL
        ? a.get(0) + " || !" + a.get(1) : a.get(0) + " >= " + a.get(1));
    TEMPLATES.put("BatchMatMul", (Emitter) MatrixKernels::batchMatMul);
    TEMPLATES.put("MatrixInverse", (Emitter) MatrixKernels::matrixInverse);
    TEMPLATES.put("Transpose", (Emitter) ShapeKernels::transpose);
    TEMPLATES.put("Concat", (Emitter) ShapeKernels::concat);
    TEMPLATES.put("Slice", (Emitter) ShapeKernels::slice);
    TEMPLATES.put("Unslice", (Emitter) ShapeKernels::unslice);
    TEMPLATES.put("Gather", (Emitter) ShapeKernels::gather);
    TEMPLATES.put("ScatterAdd", (Emitter) ShapeKernels::scatterAdd);
    TEMPLATES.put("Shape", (Emitter) ShapeKernels::shape);
    TEMPLATES.put("ReduceProd", (Emitter) (ctx, n, in, out) -> reduction(ctx, n, in, out, Fold.PROD));
    TEMPLATES.put("ReduceMin", (Emitter) (ctx, n, in, out) -> reduction(ctx, n, in, out, Fold.MIN));
    TEMPLATES.put("ArgMin", (Emitter) (ctx, n, in, out) -> argExtremum(ctx, n, in, out, true));
  }

  static {
    // ---- sparse (COO) matrices: SparseKernels ---------------------------------------------
    TEMPLATES.put("SparseMatMul", (Emitter) SparseKernels::matmul);
    TEMPLATES.put("SparseMatMulValuesGrad", (Emitter) SparseKernels::matmulValuesGrad);
    TEMPLATES.put("SparseToDense", (Emitter) SparseKernels::toDense);
    TEMPLATES.put("SparseGather", (Emitter) SparseKernels::gather);
  }

  /** Ops whose kernels draw from the model instance's generator (see JavaBackend). */
  static final java.util.Set<String> RANDOM = java.util.Set.of(
      "DropoutMask", "RandomNormal", "TruncatedNormal", "RandomUniform", "RandomShuffle");

  static Template get(String opName) {
    Template t = TEMPLATES.get(opName);
    if (t == null) {
      throw new UnsupportedOperationException("the Java backend has no kernel for op " + opName);
    }
    return t;
  }

  // ---- expression helpers -------------------------------------------------------------------

  private static Expr binary(String op, String boolOp) {
    return (in, out, attrs, a) ->
        a.get(0) + " " + (in == DType.BOOL ? boolOp : op) + " " + a.get(1);
  }

  /** A function computed in double (as the reference does) and rounded to the dtype. */
  private static Expr math(String format) {
    return (in, out, attrs, a) -> {
      String e = String.format(format, a.get(0));
      return in == DType.F32 ? "(float) (" + e + ")" : e;
    };
  }

  /** A two-operand function computed in double and rounded to the dtype. */
  private static Expr math2(String format) {
    return (in, out, attrs, a) -> {
      String e = String.format(format, a.get(0), a.get(1));
      return in == DType.F32 ? "(float) (" + e + ")" : e;
    };
  }

  /**
   * Cast of a compute value {@code x}, as a compute value of {@code to} (the store then narrows):
   * Java's own conversions give the Cast op's semantics, e.g. {@code (byte) (int) 300.0f} is 44.
   */
  static String cast(DType from, DType to, String x) {
    if (from == to) {
      return x;
    }
    if (to == DType.BOOL) {
      return x + " != " + JavaTypes.literal(from, 0);
    }
    if (from == DType.BOOL) {
      return x + " ? " + JavaTypes.literal(to, 1) + " : " + JavaTypes.literal(to, 0);
    }
    if (JavaTypes.compute(from).equals(JavaTypes.compute(to))) {
      return x; // i8 → i16, u8 → i32, f16 → bf16 …: same compute type, the store narrows
    }
    return "(" + JavaTypes.compute(to) + ") " + x;
  }

  // ---- MatMul -------------------------------------------------------------------------------

  private static final int BLOCK = 64;

  private static void matmul(EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    Node an = node.input(0);
    Node bn = node.input(1);
    boolean ta = node.attrs().getBool("transposeA");
    boolean tb = node.attrs().getBool("transposeB");
    String a = k.input(an, inputs.get(0));
    String b = k.input(bn, inputs.get(1));
    String m = k.dim(node.shape().dim(0));
    String n = k.dim(node.shape().dim(1));
    String kk = k.dim(an.shape().dim(ta ? 0 : 1));
    String t = JavaTypes.element(node.type().dtype()).toString();
    String aAt = ta ? "p * " + m + " + i" : "i * " + kk + " + p";
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L]", t, t, k.size(node.shape()));
    if (node.type().dtype() == DType.F32) {
      MatrixKernels.sgemmCall(c, ta, tb, m, n, kk, a, "0", b, "0", "out", "0");
    } else if (!tb) {
      c.add("// Blocked i-k-j loops: each a[i, p] scales row p of b into row i of out; $L-wide\n", BLOCK);
      c.add("// blocks keep the rows in use in cache; the inner loop is contiguous.\n");
      c.beginControlFlow("for (int i0 = 0; i0 < $L; i0 += $L)", m, BLOCK);
      c.addStatement("int iEnd = Math.min(i0 + $L, $L)", BLOCK, m);
      c.beginControlFlow("for (int k0 = 0; k0 < $L; k0 += $L)", kk, BLOCK);
      c.addStatement("int kEnd = Math.min(k0 + $L, $L)", BLOCK, kk);
      c.beginControlFlow("for (int i = i0; i < iEnd; i++)");
      c.beginControlFlow("for (int p = k0; p < kEnd; p++)");
      c.addStatement("$L av = $L[$L]", t, a, aAt);
      c.beginControlFlow("for (int j = 0; j < $L; j++)", n);
      c.addStatement("out[i * $L + j] += av * $L[p * $L + j]", n, b, n);
      c.endControlFlow().endControlFlow().endControlFlow().endControlFlow().endControlFlow();
    } else {
      c.add("// Blocked i-j loops of dot products: b is transposed, so row j of b is column j of\n");
      c.add("// op(b) and each dot product reads it contiguously.\n");
      c.beginControlFlow("for (int i0 = 0; i0 < $L; i0 += $L)", m, BLOCK);
      c.addStatement("int iEnd = Math.min(i0 + $L, $L)", BLOCK, m);
      c.beginControlFlow("for (int j0 = 0; j0 < $L; j0 += $L)", n, BLOCK);
      c.addStatement("int jEnd = Math.min(j0 + $L, $L)", BLOCK, n);
      c.beginControlFlow("for (int i = i0; i < iEnd; i++)");
      c.beginControlFlow("for (int j = j0; j < jEnd; j++)");
      c.addStatement("$L sum = 0", t);
      c.beginControlFlow("for (int p = 0; p < $L; p++)", kk);
      c.addStatement("sum += $L[$L] * $L[j * $L + p]", a, aAt, b, kk);
      c.endControlFlow();
      c.addStatement("out[i * $L + j] = sum", n);
      c.endControlFlow().endControlFlow().endControlFlow().endControlFlow();
    }
    c.addStatement("return out");
    ctx.call(k, "matMul", node, out, "%s × %s -> %s".formatted(
        describe(an, ta), describe(bn, tb), node.type()));
  }

  private static String describe(Node n, boolean transposed) {
    return n.name() + (transposed ? "ᵀ" : "") + " " + n.type();
  }

  // ---- Reshape ------------------------------------------------------------------------------

  /** Row-major data is unchanged: the result aliases its input (kernels never write inputs). */
  private static void reshape(EmitContext ctx, Node node, List<String> inputs, String out) {
    ctx.statement(CodeBlock.of("$T $L = $L; // same elements, shape $L\n",
        JavaTypes.array(node.type().dtype()), out, inputs.get(0), node.shape()));
  }

  /** The deps were computed earlier in the schedule (they are inputs): the result is the value. */
  private static void controlDependency(EmitContext ctx, Node node, List<String> inputs, String out) {
    ctx.statement(CodeBlock.of("$T $L = $L; // after $L\n", JavaTypes.array(node.type().dtype()),
        out, inputs.get(0), String.join(", ", inputs.subList(1, inputs.size()))));
  }

  // ---- reductions ---------------------------------------------------------------------------

  enum Fold { SUM, MEAN, MAX, MIN, PROD }

  private static void reduction(EmitContext ctx, Node node, List<String> inputs, String out, Fold fold) {
    Node x = node.input(0);
    int rank = x.shape().rank();
    int[] axes = node.attrs().getInts("axes");
    boolean[] reduced = new boolean[rank];
    if (axes.length == 0) {
      java.util.Arrays.fill(reduced, true);
    }
    for (int a : axes) {
      reduced[a < 0 ? a + rank : a] = true;
    }
    // Output axis of each input axis: the kept ones, in order.
    List<Dim> kept = new ArrayList<>();
    List<Dim> summed = new ArrayList<>();
    int[] outAxis = new int[rank];
    for (int d = 0; d < rank; d++) {
      if (reduced[d]) {
        outAxis[d] = -1;
        summed.add(x.shape().dim(d));
      } else {
        outAxis[d] = kept.size();
        kept.add(x.shape().dim(d));
      }
    }
    fold(ctx, node, inputs.get(0), out, fold, outAxis, kept, summed);
  }

  /** Inputs (x, like): x summed over the axes broadcasting stretched. */
  private static void sumToShape(EmitContext ctx, Node node, List<String> inputs, String out) {
    Node x = node.input(0);
    Shape like = node.shape();
    int rank = x.shape().rank();
    int offset = rank - like.rank();
    int[] outAxis = new int[rank];
    List<Dim> summed = new ArrayList<>();
    for (int d = 0; d < rank; d++) {
      int l = d - offset;
      if (l < 0 || (KernelMethod.isOne(like.dim(l)) && !KernelMethod.isOne(x.shape().dim(d)))) {
        outAxis[d] = -1;
        summed.add(x.shape().dim(d));
      } else {
        outAxis[d] = l;
      }
    }
    fold(ctx, node, inputs.get(0), out, Fold.SUM, outAxis, like.dims(), summed);
  }

  /**
   * Folds x into the output: nested loops over x's axes in row-major order (so x is read
   * sequentially); input axis d lands on output axis outAxis[d], or is folded when -1.
   */
  private static void fold(EmitContext ctx, Node node, String input, String out, Fold fold,
      int[] outAxis, List<Dim> outDims, List<Dim> summedDims) {
    KernelMethod k = ctx.kernel();
    Node xn = node.input(0);
    String x = k.input(xn, input);
    DType t = node.type().dtype();
    String et = JavaTypes.element(t).toString();
    String outSize = k.size(node.shape());
    int rank = xn.shape().rank();
    CodeBlock.Builder c = k.code;
    boolean viaDouble = fold != Fold.MAX && fold != Fold.MIN;
    if (viaDouble) {
      c.add("// Sums accumulate in double, then round once to $L.\n", t.label());
      c.addStatement("double[] acc = new double[$L]", outSize);
      if (fold == Fold.PROD) {
        c.addStatement("$T.fill(acc, 1)", java.util.Arrays.class);
      }
    } else {
      c.addStatement("$L[] out = new $L[$L]", et, et, outSize);
      c.addStatement("$T.fill(out, $L)", java.util.Arrays.class,
          JavaTypes.store(t, fold == Fold.MAX ? JavaTypes.lowest(t) : JavaTypes.highest(t)));
    }
    // Output index from the coordinates of the kept axes.
    List<String> terms = new ArrayList<>();
    for (int d = 0; d < rank; d++) {
      if (outAxis[d] < 0) {
        continue;
      }
      List<Dim> inner = outDims.subList(outAxis[d] + 1, outDims.size());
      String stride = k.size(inner);
      terms.add(stride.equals("1") ? "c" + d : "c" + d + " * " + KernelMethod.paren(stride));
    }
    String o = terms.isEmpty() ? "0" : String.join(" + ", terms);
    c.addStatement("int in = 0");
    for (int d = 0; d < rank; d++) {
      if (outAxis[d] < 0) {
        c.add("// axis $L is folded\n", d);
      }
      c.beginControlFlow("for (int c$L = 0; c$L < $L; c$L++)", d, d, k.dim(xn.shape().dim(d)), d);
    }
    String xi = JavaTypes.load(xn.type().dtype(), x + "[in++]");
    switch (fold) {
      case SUM, MEAN -> c.addStatement("acc[$L] += $L", o, xi);
      case MAX, MIN -> c.addStatement("out[$L] = $L", o, JavaTypes.store(t, "Math."
          + (fold == Fold.MAX ? "max" : "min") + "(" + JavaTypes.load(t, "out[" + o + "]") + ", " + xi + ")"));
      case PROD -> c.addStatement("acc[$L] *= $L", o, xi);
    }
    for (int d = 0; d < rank; d++) {
      c.endControlFlow();
    }
    if (viaDouble) {
      c.addStatement("$L[] out = new $L[$L]", et, et, outSize);
      String value = fold == Fold.MEAN
          ? "acc[o] / " + KernelMethod.paren(k.size(summedDims)) : "acc[o]";
      c.beginControlFlow("for (int o = 0; o < out.length; o++)");
      c.addStatement("out[o] = $L", JavaTypes.storeDouble(t, value));
      c.endControlFlow();
    }
    c.addStatement("return out");
    String base = Character.toLowerCase(node.op().name().charAt(0)) + node.op().name().substring(1);
    ctx.call(k, base, node, out, "%s of %s %s -> %s".formatted(
        node.op().name(), xn.name(), xn.type(), node.type()));
  }

  // ---- ArgMax -------------------------------------------------------------------------------

  /** ArgMax, or ArgMin when {@code min}: the first extreme wins, and the first NaN before it. */
  private static void argExtremum(EmitContext ctx, Node node, List<String> inputs, String out, boolean min) {
    KernelMethod k = ctx.kernel();
    Node xn = node.input(0);
    String x = k.input(xn, inputs.get(0));
    DType t = xn.type().dtype();
    List<Dim> dims = xn.shape().dims();
    int axis = node.attrs().getInt("axis");
    axis = axis < 0 ? axis + dims.size() : axis;
    String outer = k.size(dims.subList(0, axis));
    String n = k.dim(dims.get(axis));
    String inner = k.size(dims.subList(axis + 1, dims.size()));
    boolean flatInner = inner.equals("1");
    CodeBlock.Builder c = k.code;
    c.addStatement("long[] out = new long[$L]", k.size(node.shape()));
    c.beginControlFlow("for (int o = 0; o < $L; o++)", outer);
    if (!flatInner) {
      c.beginControlFlow("for (int q = 0; q < $L; q++)", inner);
    }
    c.addStatement("int base = $L", flatInner ? "o * " + n
        : "o * " + n + " * " + KernelMethod.paren(inner) + " + q");
    c.addStatement("int best = 0");
    c.addStatement("$L bestValue = $L", JavaTypes.compute(t), min ? JavaTypes.highest(t) : JavaTypes.lowest(t));
    c.beginControlFlow("for (int j = 0; j < $L; j++)", n);
    c.addStatement("$L v = $L", JavaTypes.compute(t), JavaTypes.load(t, x + "[base + "
        + (flatInner ? "j" : "j * " + KernelMethod.paren(inner)) + "]"));
    if (t.isFloating()) {
      c.beginControlFlow("if (v != v)").add("// the first NaN wins\n")
          .addStatement("best = j").addStatement("break").endControlFlow();
    }
    c.beginControlFlow(min ? "if (v < bestValue)" : "if (v > bestValue)")
        .add(min ? "// strictly less: the first minimum wins\n" : "// strictly greater: the first maximum wins\n")
        .addStatement("best = j").addStatement("bestValue = v").endControlFlow();
    c.endControlFlow();
    c.addStatement("out[$L] = best", flatInner ? "o" : "o * " + KernelMethod.paren(inner) + " + q");
    if (!flatInner) {
      c.endControlFlow();
    }
    c.endControlFlow();
    c.addStatement("return out");
    ctx.call(k, min ? "argMin" : "argMax", node, out, "Index of the %s of %s %s along axis %s -> %s".formatted(
        min ? "minimum" : "maximum", xn.name(), xn.type(), axis, node.type()));
  }

  // ---- Softmax, LogSoftmax ------------------------------------------------------------------

  private static void softmax(EmitContext ctx, Node node, List<String> inputs, String out, boolean log) {
    KernelMethod k = ctx.kernel();
    Node xn = node.input(0);
    String x = k.input(xn, inputs.get(0));
    DType t = node.type().dtype();
    String et = JavaTypes.element(t).toString();
    List<Dim> dims = xn.shape().dims();
    String rows = k.size(dims.subList(0, dims.size() - 1));
    String n = k.dim(dims.getLast());
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L]", et, et, k.size(xn.shape()));
    if (!log) {
      c.addStatement("double[] exps = new double[$L]", n);
    }
    c.beginControlFlow("for (int r = 0; r < $L; r++)", rows);
    c.addStatement("int base = r * $L", n);
    c.add("// Stable: subtract the row maximum before exponentiating (in double).\n");
    c.addStatement("double max = Double.NEGATIVE_INFINITY");
    c.beginControlFlow("for (int j = 0; j < $L; j++)", n);
    c.addStatement("max = Math.max(max, $L[base + j])", x);
    c.endControlFlow();
    c.beginControlFlow("if (Double.isInfinite(max))");
    c.add("// a row of -inf, or one holding +inf: no shift; IEEE arithmetic then gives NaN\n");
    c.addStatement("max = 0");
    c.endControlFlow();
    c.addStatement("double sum = 0");
    c.beginControlFlow("for (int j = 0; j < $L; j++)", n);
    if (log) {
      c.addStatement("sum += Math.exp($L[base + j] - max)", x);
    } else {
      c.add("// kept for the division below: one exp per element, not two\n");
      c.addStatement("double e = Math.exp($L[base + j] - max)", x);
      c.addStatement("exps[j] = e");
      c.addStatement("sum += e");
    }
    c.endControlFlow();
    if (log) {
      c.addStatement("double lse = Math.log(sum)");
      c.beginControlFlow("for (int j = 0; j < $L; j++)", n);
      c.addStatement("out[base + j] = $L", JavaTypes.fromDouble(t, x + "[base + j] - max - lse"));
    } else {
      c.beginControlFlow("for (int j = 0; j < $L; j++)", n);
      c.addStatement("out[base + j] = $L", JavaTypes.fromDouble(t, "exps[j] / sum"));
    }
    c.endControlFlow();
    c.endControlFlow();
    c.addStatement("return out");
    ctx.call(k, log ? "logSoftmax" : "softmax", node, out, "%s over the last axis of %s %s".formatted(
        node.op().name(), xn.name(), xn.type()));
  }

  // ---- BroadcastLike ------------------------------------------------------------------------

  private static void broadcastLike(EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    Node xn = node.input(0);
    String x = k.input(xn, inputs.get(0));
    List<Dim> target = node.shape().dims();
    List<Dim> expanded = new ArrayList<>(xn.shape().dims());
    int[] axes = node.attrs().getInts("axes");
    int[] normalized = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      normalized[i] = axes[i] < 0 ? axes[i] + target.size() : axes[i];
    }
    java.util.Arrays.sort(normalized);
    for (int a : normalized) {
      expanded.add(a, Dim.of(1));
    }
    while (expanded.size() < target.size()) {
      expanded.addFirst(Dim.of(1));
    }
    String et = JavaTypes.element(node.type().dtype()).toString();
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L]", et, et, k.size(node.shape()));
    c.beginControlFlow("for (int i = 0; i < out.length; i++)");
    c.addStatement("out[i] = $L[$L]", x, k.broadcastIndex("i", target, expanded));
    c.endControlFlow();
    c.addStatement("return out");
    ctx.call(k, "broadcastLike", node, out, "%s %s (as %s) broadcast to %s".formatted(
        xn.name(), xn.type(), new Shape(expanded), node.type()));
  }

  // ---- ElementCount -------------------------------------------------------------------------

  /** A scalar computed from the bound dimensions: no kernel, one statement. */
  private static void elementCount(EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod expr = ctx.kernel(); // only to render the dimensions
    List<Dim> dims = node.input(0).shape().dims();
    int[] axes = node.attrs().getInts("axes");
    List<Dim> counted = new ArrayList<>();
    if (axes.length == 0) {
      counted.addAll(dims);
    } else {
      boolean[] take = new boolean[dims.size()];
      for (int a : axes) {
        take[a < 0 ? a + dims.size() : a] = true;
      }
      for (int d = 0; d < dims.size(); d++) {
        if (take[d]) {
          counted.add(dims.get(d));
        }
      }
    }
    DType t = node.type().dtype();
    String size = expr.size(counted);
    String value = t == DType.I32 ? size : "(" + JavaTypes.element(t) + ") " + KernelMethod.paren(size);
    ctx.statement(CodeBlock.of("$T $L = {$L};\n", JavaTypes.array(t), out, value));
  }
}

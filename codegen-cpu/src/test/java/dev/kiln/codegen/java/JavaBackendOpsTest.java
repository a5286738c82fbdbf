package dev.kiln.codegen.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpDef;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.compiler.ops.StandardOps;
import dev.kiln.dsl.DType;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Every op on the Java backend, against the reference interpreter. */
class JavaBackendOpsTest {
  private static int testsRun;

  @AfterAll
  static void everyOpWasExercised() {
    if (testsRun < 16) {
      return; // a subset ran
    }
    for (OpDef op : StandardOps.all()) {
      if (op.kind() != OpKind.SOURCE) {
        assertTrue(Harness.EXERCISED.contains(op.name()), "no backend test computes " + op.name());
      }
    }
  }

  @Test
  void controlFlowOps() {
    testsRun++;
    // cond, whileLoop (with its BPTT gradient: tapes, At, ScatterAt) live in their own class;
    // run one of each here so that the completeness check above sees them whatever the order.
    new JavaBackendControlFlowTest().powerByRepeatedMultiplicationForRunTimeN();
    new JavaBackendControlFlowTest().rnnOverSequencesOfLengthThreeAndSevenWithoutPadding();
    new JavaBackendControlFlowTest().condForwardAndGradientOnBothBranches();
  }

  @Test
  void everyOpHasAKernelTemplate() {
    testsRun++;
    for (OpDef op : StandardOps.all()) {
      if (op.kind() != OpKind.SOURCE) {
        assertTrue(KernelTable.TEMPLATES.containsKey(op.name()), "no Java kernel for " + op.name());
        assertEquals(op.kind() == OpKind.ELEMENTWISE,
            KernelTable.TEMPLATES.get(op.name()) instanceof KernelTable.Expr, op.name());
      }
    }
  }

  /** The op-coverage issue's ops, one model (details in JavaBackendShapeOpsTest). */
  @Test
  void neuralOps() {
    testsRun++;
    JavaBackendNeuralOpsTest.everyNeuralOp().check(2);
  }

  /** Assign, AssignAdd, AssignSub (details in JavaBackendStateTest). */
  @Test
  void stateWrites() {
    testsRun++;
    new JavaBackendStateTest().writesMatchTheInterpreterCallAfterCall();
  }

  /** SparseMatMul and its gradient ops (details in JavaBackendSparseTest). */
  @Test
  void sparseOps() {
    testsRun++;
    JavaBackendSparseTest.everySparseOp().check(3);
  }

  @Test
  void opsOfTheCoverageIssue() {
    testsRun++;
    JavaBackendShapeOpsTest.everyNewOp().check(2);
  }

  private static final List<String> BINARY = List.of("Add", "Sub", "Mul", "Div", "Maximum",
      "Minimum", "Equal", "NotEqual", "Less", "Greater");

  private static Node binary(Harness h, String op, Node x, Node y) {
    OpDef def = StandardOps.byName(op);
    return h.b.apply(def, dev.kiln.compiler.ir.Attrs.NONE, x, y);
  }

  @Test
  void binaryOpsBroadcastOverSymbolicBatch() {
    testsRun++;
    Harness h = new Harness("BinaryF32");
    Node x = h.input("x", DType.F32, "batch", 3, 4);
    Node w = h.input("w", DType.F32, "batch", 3, 4);
    Node y = h.input("y", DType.F32, 4);
    Node z = h.input("z", DType.F32, 3, 1);
    Node s = h.input("s", DType.F32);
    Node col = h.input("col", DType.F32, "batch", 1, 4);
    for (String op : BINARY) {
      String m = Character.toLowerCase(op.charAt(0)) + op.substring(1);
      h.fetch(m + "Same", binary(h, op, x, w));
      h.fetch(m + "Suffix", binary(h, op, x, y));
      h.fetch(m + "Middle", binary(h, op, z, x));
      h.fetch(m + "Scalar", binary(h, op, s, x));
      h.fetch(m + "Column", binary(h, op, col, z));
      h.fetch(m + "Scalars", binary(h, op, s, s));
    }
    h.check(1, 2, 5);
  }

  @Test
  void binaryOpsOnIntegersAndF64() {
    testsRun++;
    Harness h = new Harness("BinaryInts");
    for (DType t : List.of(DType.I32, DType.I64, DType.F64)) {
      String p = t.label();
      Node x = h.input(p + "X", t, "n", 3);
      Node y = h.input(p + "Y", t, 3);
      h.shaping.put(p + "Y", v -> v == 0 ? 3 : v); // no integer division by zero
      for (String op : BINARY) {
        h.fetch(p + op, binary(h, op, x, y));
      }
    }
    h.check(1, 4);
  }

  @Test
  void comparisonsOnBool() {
    testsRun++;
    Harness h = new Harness("BoolOps");
    Node x = h.input("x", DType.BOOL, "n", 3);
    Node y = h.input("y", DType.BOOL, 3);
    for (String op : List.of("Equal", "NotEqual", "Less", "Greater")) {
      h.fetch(op.toLowerCase(), binary(h, op, x, y));
    }
    h.check(2, 7);
  }

  private static final List<String> UNARY_FLOAT = List.of("Neg", "Exp", "Log", "Sqrt", "Square",
      "Abs", "Tanh", "Sigmoid", "Relu");

  @Test
  void unaryOps() {
    testsRun++;
    Harness h = new Harness("Unary");
    for (DType t : List.of(DType.F32, DType.F64)) {
      Node x = h.input(t.label() + "X", t, "batch", 5);
      Node pos = h.input(t.label() + "Pos", t, "batch", 5);
      h.shaping.put(t.label() + "Pos", v -> Math.abs(v) + 0.01);
      h.shaping.put(t.label() + "X", v -> v * 20); // large enough for sigmoid's two branches
      for (String op : UNARY_FLOAT) {
        Node in = op.equals("Log") || op.equals("Sqrt") ? pos : x;
        h.fetch(t.label() + op, h.b.apply(StandardOps.byName(op), dev.kiln.compiler.ir.Attrs.NONE, in));
      }
    }
    for (DType t : List.of(DType.I32, DType.I64)) {
      Node x = h.input(t.label() + "X", t, "batch", 5);
      for (String op : List.of("Neg", "Abs", "Square", "Relu")) {
        h.fetch(t.label() + op, h.b.apply(StandardOps.byName(op), dev.kiln.compiler.ir.Attrs.NONE, x));
      }
    }
    h.check(1, 3);
  }

  @Test
  void casts() {
    testsRun++;
    Harness h = new Harness("Casts");
    List<DType> types = List.of(DType.F32, DType.F64, DType.I32, DType.I64, DType.BOOL);
    for (DType from : types) {
      Node x = h.input("x" + from.label(), from, "n", 4);
      h.shaping.put("x" + from.label(), v -> from.isFloating() ? v * 3 : v);
      for (DType to : types) {
        h.fetch(from.label() + "To" + to.name(), Emit.cast(h.b, x, to));
      }
    }
    h.check(3, 8);
  }

  @Test
  void matmulAllTranspositionsAcrossBlocks() {
    testsRun++;
    Harness h = new Harness("MatMuls");
    Node a = h.input("a", DType.F32, "m", 70);
    Node at = h.input("at", DType.F32, 70, "m");
    Node b = h.input("b", DType.F32, 70, 65);
    Node bt = h.input("bt", DType.F32, 65, 70);
    h.fetch("nn", Emit.matmul(h.b, a, b, false, false));
    h.fetch("tn", Emit.matmul(h.b, at, b, true, false));
    h.fetch("nt", Emit.matmul(h.b, a, bt, false, true));
    h.fetch("tt", Emit.matmul(h.b, at, bt, true, true));
    Node d = h.input("d", DType.F64, "m", 3);
    Node w = h.param("w", DType.F64, 3, 2);
    h.fetch("f64", Emit.matmul(h.b, d, w, false, false));
    Node c = Emit.constant(h.b, DType.F64, Shape.of(2, 2), 1, 2, 3, 4);
    h.fetch("withConstant", Emit.matmul(h.b, Emit.matmul(h.b, d, w, false, false), c, false, true));
    h.check(1, 3, 130);
  }

  @Test
  void reshapeAliasesAndCopiesWhenReturned() {
    testsRun++;
    Harness h = new Harness("Reshapes");
    Node x = h.input("x", DType.F32, "batch", 2, 6);
    h.fetch("flat", Emit.reshape(h.b, x, Harness.shape("batch", 12)));
    h.fetch("flatRelu", Emit.relu(h.b, Emit.reshape(h.b, x, Harness.shape("batch", 3, 4))));
    h.fetch("back", Emit.reshape(h.b, Emit.exp(h.b, x), Harness.shape(4, "batch", 3)));
    h.check(1, 5);
    // A returned reshape of an input must not share the caller's array.
    dev.kiln.runtime.NDArray in = dev.kiln.runtime.NDArray.zeros(DType.F32, 2, 2, 6);
    var out = (dev.kiln.runtime.NDArray) Harness.invoke(h.instance, "flat", in);
    assertTrue(out.floats() != in.floats(), "flat aliases its input");
  }

  @Test
  void controlDependenciesRunTheirDepsAndReturnTheValue() {
    testsRun++;
    Harness h = new Harness("Dependencies");
    Node step = h.param("step", DType.F32, 1);
    Node x = h.input("x", DType.F32, "batch", 3);
    Node counted = Emit.assignAdd(h.b, step, Emit.constant(h.b, DType.F32, Shape.of(1), 1));
    h.fetch("counted", Emit.withDependencies(h.b, Emit.exp(h.b, x), java.util.List.of(counted)));
    h.fetch("plain", Emit.withDependencies(h.b, x, java.util.List.of(Emit.exp(h.b, x))));
    h.check(1, 4); // the step counter carries over between calls, as in the interpreter
  }

  @Test
  void reductionsOverEveryAxisBothKeepDims() {
    testsRun++;
    Harness h = new Harness("Reductions");
    Node x = h.input("x", DType.F32, "batch", 3, 4);
    Node xi = h.input("xi", DType.I32, "batch", 3, 4);
    int[][] axesList = {{0}, {1}, {2}, {-1}, {0, 2}, {1, 2}, {}};
    for (int[] axes : axesList) {
      for (boolean keep : new boolean[] {false, true}) {
        String suffix = java.util.Arrays.toString(axes).replaceAll("[^0-9]", "") + (keep ? "Keep" : "")
            + (axes.length == 0 ? "All" : "");
        suffix = suffix.replace("-", "m");
        h.fetch("sum" + suffix, Emit.reduceSum(h.b, x, keep, axes));
        h.fetch("mean" + suffix, Emit.reduceMean(h.b, x, keep, axes));
        h.fetch("max" + suffix, Emit.reduceMax(h.b, x, keep, axes));
        h.fetch("isum" + suffix, Emit.reduceSum(h.b, xi, keep, axes));
        h.fetch("imax" + suffix, Emit.reduceMax(h.b, xi, keep, axes));
      }
    }
    h.fetch("sumNeg", Emit.reduceSum(h.b, x, false, -1, -3));
    h.check(1, 4);
  }

  @Test
  void argmaxAlongEachAxisFirstMaximumWins() {
    testsRun++;
    Harness h = new Harness("ArgMaxes");
    Node x = h.input("x", DType.F32, "batch", 3, 4);
    Node xi = h.input("xi", DType.I32, "batch", 3, 4);
    h.shaping.put("xi", v -> Math.floorMod((long) v, 2)); // many ties
    for (int axis : new int[] {0, 1, 2, -1}) {
      String s = axis < 0 ? "Last" : Integer.toString(axis);
      h.fetch("f" + s, Emit.argmax(h.b, x, axis));
      h.fetch("i" + s, Emit.argmax(h.b, xi, axis));
    }
    h.check(1, 5);
  }

  @Test
  void softmaxAndLogSoftmaxOverTheLastAxis() {
    testsRun++;
    Harness h = new Harness("Softmaxes");
    Node x = h.input("x", DType.F32, "batch", 10);
    Node x3 = h.input("x3", DType.F32, "batch", 3, 4);
    Node d = h.input("d", DType.F64, "batch", 7);
    h.shaping.put("x", v -> v * 30); // large logits: stability matters
    for (Node in : List.of(x, x3, d)) {
      String n = in.attrs().get("name");
      h.fetch("softmax" + n, Emit.softmax(h.b, in));
      h.fetch("logSoftmax" + n, Emit.logSoftmax(h.b, in));
    }
    h.check(1, 6);
  }

  @Test
  void broadcastLikeAndSumToShape() {
    testsRun++;
    Harness h = new Harness("Broadcasts");
    Node like = h.input("like", DType.F32, "batch", 3, 4);
    Node rows = h.input("rows", DType.F32, "batch");
    Node last = h.input("last", DType.F32, 4);
    Node mid = h.input("mid", DType.F32, 3, 1);
    Node s = h.input("s", DType.F32);
    Node ki = h.input("ki", DType.I32, "batch", 3, 4);
    h.fetch("rowsInserted", Emit.broadcastLike(h.b, rows, like, 1, 2));
    h.fetch("lastPlain", Emit.broadcastLike(h.b, last, like));
    h.fetch("midPlain", Emit.broadcastLike(h.b, mid, like));
    h.fetch("scalarPlain", Emit.broadcastLike(h.b, s, like));
    h.fetch("keptInserted", Emit.broadcastLike(h.b, Emit.reduceSum(h.b, like, false, 1), like, 1));
    h.fetch("toLast", Emit.sumToShape(h.b, like, last));
    h.fetch("toMid", Emit.sumToShape(h.b, like, mid));
    h.fetch("toScalar", Emit.sumToShape(h.b, like, s));
    h.fetch("toSame", Emit.sumToShape(h.b, like, like));
    h.fetch("toColumn", Emit.sumToShape(h.b, like, Emit.reduceSum(h.b, like, true, 1)));
    h.fetch("intsToLast", Emit.sumToShape(h.b, ki, h.input("lastI", DType.I32, 4)));
    h.check(1, 3);
  }

  @Test
  void elementCountReadsBoundDimensions() {
    testsRun++;
    Harness h = new Harness("Counts");
    for (DType t : List.of(DType.F32, DType.F64, DType.I32, DType.I64)) {
      Node x = h.input("x" + t.label(), t, "batch", 3, 4);
      h.fetch("all" + t.label(), Emit.elementCount(h.b, x));
      h.fetch("batch" + t.label(), Emit.elementCount(h.b, x, 0));
      h.fetch("inner" + t.label(), Emit.elementCount(h.b, x, 1, -1));
    }
    Node x = h.input("x", DType.F32, "batch", 3);
    h.fetch("mean", Emit.div(h.b, Emit.reduceSum(h.b, x, false), Emit.elementCount(h.b, x)));
    h.check(1, 9);
  }

  @Test
  void constantsInlineOrBecomeFields() {
    testsRun++;
    Harness h = new Harness("Constants");
    Node x = h.input("x", DType.F32, "batch", 3);
    Node row = Emit.constant(h.b, DType.F32, Shape.of(3), 1, -2.5, 1e-7);
    Node filled = Emit.constant(h.b, DType.F32, Shape.of(3), 0.5);
    h.fetch("plusRow", Emit.add(h.b, x, row));
    h.fetch("timesFilled", Emit.mul(h.b, x, filled));
    h.fetch("rowItself", row);
    h.fetch("scaled", Emit.mul(h.b, x, Emit.scalar(h.b, DType.F32, -3)));
    h.fetch("filledSum", Emit.reduceSum(h.b, Emit.constant(h.b, DType.I64, Shape.of(2, 3), 7), false));
    double[] many = new double[3 * 700];
    for (int i = 0; i < many.length; i++) {
      many[i] = Math.sin(i) * 1e3;
    }
    Node bigF = Emit.constant(h.b, DType.F32, Shape.of(700, 3), many);
    h.fetch("big", Emit.add(h.b, Emit.reduceSum(h.b, bigF, false, 0), x));
    for (DType t : List.of(DType.F64, DType.I32, DType.I64, DType.BOOL)) {
      h.fetch("big" + t.name(), Emit.constant(h.b, t, Shape.of(700, 3), many));
    }
    h.check(2);
    assertTrue(h.source.contains("{1.0f, (-2.5f), 1.0E-7f}"), h.source);
    assertTrue(h.source.contains("decodeFloats(2100, \""), h.source);
  }

  /** Counts the fused loops (one marker comment per elementwise kernel). */
  private static int loops(String source) {
    Matcher m = Pattern.compile("// elementwise loop:").matcher(source);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void elementwiseChainsFuseIntoOneLoop() {
    testsRun++;
    Harness h = new Harness("Fused");
    Node x = h.input("x", DType.F32, "batch", 4);
    Node w = h.param("w", DType.F32, 4);
    Node bias = h.param("bias", DType.F32, 4);
    // sigmoid(relu(x * w + bias) * 0.5): four elementwise nodes, one loop.
    Node hidden = Emit.relu(h.b, Emit.add(h.b, Emit.mul(h.b, x, w), bias));
    h.fetch("out", Emit.sigmoid(h.b, Emit.mul(h.b, hidden, Emit.scalar(h.b, DType.F32, 0.5))));
    h.check(1, 3);
    assertEquals(1, loops(h.source), h.source);
    assertTrue(h.source.contains("private static float[] fused_Sigmoid("), h.source);
  }

  @Test
  void sharedIntermediatesStayInOneLoopUnlessFetched() {
    testsRun++;
    Harness h = new Harness("Shared");
    Node x = h.input("x", DType.F32, "batch", 4);
    Node t = Emit.add(h.b, x, Emit.scalar(h.b, DType.F32, 1));
    Node u = Emit.add(h.b, Emit.mul(h.b, t, t), Emit.exp(h.b, t)); // t used three times
    h.fetch("u", u);
    h.check(2);
    assertEquals(1, loops(h.source), h.source);

    Harness h2 = new Harness("SharedFetched");
    Node x2 = h2.input("x", DType.F32, "batch", 4);
    Node t2 = Emit.square(h2.b, x2);
    Node m2 = Emit.reduceMax(h2.b, t2, true, 1);
    Node u2 = Emit.sub(h2.b, t2, m2); // t2 also feeds a reduction: it must be materialized
    h2.fetch("u", u2);
    h2.check(1, 3);
    assertEquals(2, loops(h2.source), h2.source);
  }

  @Test
  void wrongShapesAreRejectedAtTheCall() {
    testsRun++;
    Harness h = new Harness("Checked");
    Node x = h.input("x", DType.F32, "batch", 4);
    h.fetch("y", Emit.exp(h.b, x)).compile();
    var bad = dev.kiln.runtime.NDArray.zeros(DType.F32, 2, 5);
    AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
        () -> Harness.invoke(h.instance, "y", bad));
    assertTrue(e.getCause() instanceof IllegalArgumentException, String.valueOf(e.getCause()));
  }
}

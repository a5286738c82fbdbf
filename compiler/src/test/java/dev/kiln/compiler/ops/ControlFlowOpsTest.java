package dev.kiln.compiler.ops;

import static dev.kiln.compiler.ops.OpTesting.BATCH;
import static dev.kiln.compiler.ops.OpTesting.TIME;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.dsl.DType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** cond, whileLoop and at: reference semantics, shape rules and gradients (BPTT). */
class ControlFlowOpsTest {
  private static Value bool(boolean v) {
    return Value.scalar(DType.BOOL, v ? 1 : 0);
  }

  private static Value i32(int v) {
    return Value.scalar(DType.I32, v);
  }

  /** cond(p, x * 2, x + y) over placeholders. */
  private static Node condModel(GraphBuilder b, Node p, Node x, Node y) {
    return ControlFlow.cond(b, null, p,
        r -> List.of(Emit.mul(r.builder(), r.read(x), Emit.scalar(r.builder(), DType.F64, 2))),
        r -> List.of(Emit.mul(r.builder(), Emit.add(r.builder(), r.read(x), r.read(y)), r.read(x))))
        .getFirst();
  }

  @Test
  void condRunsTheChosenBranchOnly() {
    GraphBuilder b = new GraphBuilder();
    Node p = Emit.placeholder(b, "p", DType.BOOL, Shape.SCALAR);
    Node x = Emit.placeholder(b, "x", DType.F64, Shape.of(2));
    Node y = Emit.placeholder(b, "y", DType.F64, Shape.of(2));
    Node out = condModel(b, p, x, y);
    Map<String, Value> feeds = new HashMap<>(Map.of("x", OpTesting.f64(new int[] {2}, 1, 3),
        "y", OpTesting.f64(new int[] {2}, 10, 20)));
    feeds.put("p", bool(true));
    assertArrayEquals(new double[] {2, 6}, new Interpreter(feeds, Map.of()).run(out).data());
    feeds.put("p", bool(false));
    assertArrayEquals(new double[] {11, 69}, new Interpreter(feeds, Map.of()).run(out).data());
  }

  @Test
  void condGradientFollowsTheTakenBranch() {
    for (boolean taken : new boolean[] {true, false}) {
      GraphBuilder b = new GraphBuilder();
      Node p = Emit.placeholder(b, "p", DType.BOOL, Shape.SCALAR);
      Node x = Emit.placeholder(b, "x", DType.F64, Shape.of(BATCH, Shape.of(3).dim(0)));
      Node y = Emit.placeholder(b, "y", DType.F64, Shape.of(BATCH, Shape.of(3).dim(0)));
      Node out = condModel(b, p, x, y);
      Map<String, Value> feeds = new HashMap<>();
      feeds.put("p", bool(taken));
      feeds.put("x", GradientCheck.uniform(1, -1, 1, 2, 3));
      feeds.put("y", GradientCheck.uniform(2, -1, 1, 2, 3));
      ControlFlowGradients.check(b, out, feeds, List.of(x, y));
    }
  }

  @Test
  void condBranchesMustAgree() {
    GraphBuilder b = new GraphBuilder();
    Node p = Emit.placeholder(b, "p", DType.BOOL, Shape.SCALAR);
    Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(BATCH, Shape.of(16).dim(0)));
    Node w = Emit.placeholder(b, "w", DType.F32, Shape.of(16, 32));
    ShapeError e = assertThrows(ShapeError.class, () -> ControlFlow.cond(b, null, p,
        r -> List.of(r.read(x)),
        r -> List.of(Emit.matmul(r.builder(), r.read(x), r.read(w), false, false))));
    assertEquals("cond: branches disagree: the true branch gives f32[batch, 16] and the false branch"
        + " f32[batch, 32]", e.getMessage());
    ShapeError notBool = assertThrows(ShapeError.class, () -> ControlFlow.cond(b, null, x,
        r -> List.of(r.read(x)), r -> List.of(r.read(x))));
    assertEquals("cond: the predicate must be a bool scalar, got f32[batch, 16]", notBool.getMessage());
  }

  /** x^n by repeated multiplication, n fed at run time. */
  private static Node power(GraphBuilder b, Node x, Node n) {
    Node one = Emit.broadcastLike(b, Emit.scalar(b, DType.F64, 1), x, 0);
    return ControlFlow.whileLoop(b, null, List.of(Emit.scalar(b, DType.I32, 0), one),
        (r, v) -> Emit.less(r.builder(), v.get(0), r.read(n)),
        (r, v) -> List.of(Emit.add(r.builder(), v.get(0), Emit.scalar(r.builder(), DType.I32, 1)),
            Emit.mul(r.builder(), v.get(1), r.read(x))))
        .get(1);
  }

  @Test
  void whileComputesPowersForRunTimeTripCounts() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F64, Shape.of(3));
    Node n = Emit.placeholder(b, "n", DType.I32, Shape.SCALAR);
    Node out = power(b, x, n);
    for (int k : new int[] {0, 1, 4}) {
      Value v = new Interpreter(Map.of("x", OpTesting.f64(new int[] {3}, 2, -1, 0.5), "n", i32(k)),
          Map.of()).run(out);
      assertArrayEquals(new double[] {Math.pow(2, k), Math.pow(-1, k), Math.pow(0.5, k)}, v.data());
    }
  }

  @Test
  void whileGradientIsBackPropagationThroughTime() {
    for (int k : new int[] {0, 1, 3, 5}) {
      GraphBuilder b = new GraphBuilder();
      Node x = Emit.placeholder(b, "x", DType.F64, Shape.of(3));
      Node n = Emit.placeholder(b, "n", DType.I32, Shape.SCALAR);
      Node out = power(b, x, n);
      ControlFlowGradients.check(b, out,
          Map.of("x", OpTesting.f64(new int[] {3}, 1.3, -0.7, 0.5), "n", i32(k)), List.of(x));
    }
  }

  @Test
  void whileBodyMustKeepEachLoopVariable() {
    GraphBuilder b = new GraphBuilder();
    Node h = Emit.placeholder(b, "h", DType.F32, Shape.of(BATCH, Shape.of(16).dim(0)));
    Node w = Emit.placeholder(b, "w", DType.F32, Shape.of(16, 32));
    ShapeError e = assertThrows(ShapeError.class, () -> ControlFlow.whileLoop(b, null,
        List.of(Emit.scalar(b, DType.I32, 0), h),
        (r, v) -> Emit.less(r.builder(), v.get(0), Emit.scalar(r.builder(), DType.I32, 3)),
        (r, v) -> List.of(v.get(0), Emit.matmul(r.builder(), v.get(1), r.read(w), false, false))));
    assertEquals("whileLoop: body changes loop variable 1 from f32[batch, 16] to f32[batch, 32]",
        e.getMessage());
    ShapeError cond = assertThrows(ShapeError.class, () -> ControlFlow.whileLoop(b, null,
        List.of(h), (r, v) -> v.get(0), (r, v) -> List.of(v.get(0))));
    assertEquals("whileLoop: the condition must give a bool scalar, got f32[batch, 16]", cond.getMessage());
  }

  /** h = tanh(h·W + x_t) over the time axis of xs [time, batch, 3]. */
  static Node rnn(GraphBuilder b, Node xs, Node h0, Node w) {
    Node steps = ControlFlow.length(b, xs);
    return ControlFlow.whileLoop(b, null, List.of(Emit.scalar(b, DType.I32, 0), h0),
        (r, v) -> Emit.less(r.builder(), v.get(0), r.read(steps)),
        (r, v) -> {
          GraphBuilder rb = r.builder();
          Node xt = ControlFlow.at(rb, r.read(xs), v.get(0));
          Node h = Emit.tanh(rb, Emit.add(rb, Emit.matmul(rb, v.get(1), r.read(w), false, false), xt));
          return List.of(Emit.add(rb, v.get(0), Emit.scalar(rb, DType.I32, 1)), h);
        })
        .get(1);
  }

  @Test
  void rnnOverRunTimeLengthsMatchesUnrolledAndDifferentiates() {
    for (int time : new int[] {3, 7}) {
      GraphBuilder b = new GraphBuilder();
      Node xs = Emit.placeholder(b, "xs", DType.F64, Shape.of(TIME, BATCH, Shape.of(3).dim(0)));
      Node h0 = Emit.placeholder(b, "h0", DType.F64, Shape.of(BATCH, Shape.of(3).dim(0)));
      Node w = Emit.placeholder(b, "w", DType.F64, Shape.of(3, 3));
      Node out = rnn(b, xs, h0, w);
      Map<String, Value> feeds = Map.of("xs", GradientCheck.uniform(5, -1, 1, time, 2, 3),
          "h0", GradientCheck.uniform(6, -1, 1, 2, 3), "w", GradientCheck.uniform(7, -1, 1, 3, 3));
      // Unrolled by hand in the interpreter's own ops.
      double[] h = feeds.get("h0").data().clone();
      double[] wv = feeds.get("w").data();
      double[] x = feeds.get("xs").data();
      for (int t = 0; t < time; t++) {
        double[] next = new double[6];
        for (int i = 0; i < 2; i++) {
          for (int j = 0; j < 3; j++) {
            double s = 0;
            for (int p = 0; p < 3; p++) {
              s += h[i * 3 + p] * wv[p * 3 + j];
            }
            next[i * 3 + j] = Math.tanh(s + x[t * 6 + i * 3 + j]);
          }
        }
        h = next;
      }
      assertArrayEquals(h, new Interpreter(feeds, Map.of()).run(out).data(), 1e-12);
      ControlFlowGradients.check(b, out, feeds, List.of(w, h0, xs));
    }
  }

  @Test
  void condInsideALoopBodyDifferentiates() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F64, Shape.of(2));
    Node n = Emit.placeholder(b, "n", DType.I32, Shape.SCALAR);
    // Odd steps square, even steps add x: both branches read the loop variable and x.
    Node out = ControlFlow.whileLoop(b, null, List.of(Emit.scalar(b, DType.I32, 0), x),
        (r, v) -> Emit.less(r.builder(), v.get(0), r.read(n)),
        (r, v) -> {
          GraphBuilder rb = r.builder();
          Node odd = Emit.equal(rb, Emit.sub(rb, v.get(0),
              Emit.mul(rb, Emit.scalar(rb, DType.I32, 2), Emit.div(rb, v.get(0), Emit.scalar(rb, DType.I32, 2)))),
              Emit.scalar(rb, DType.I32, 1));
          Node h = ControlFlow.cond(rb, r, odd,
              c -> List.of(Emit.square(c.builder(), c.read(v.get(1)))),
              c -> List.of(Emit.add(c.builder(), c.read(v.get(1)), c.read(x)))).getFirst();
          return List.of(Emit.add(rb, v.get(0), Emit.scalar(rb, DType.I32, 1)), h);
        }).get(1);
    Value v = new Interpreter(Map.of("x", OpTesting.f64(new int[] {2}, 0.5, -0.25), "n", i32(3)), Map.of())
        .run(out);
    // t=0: even, h = 2x; t=1: odd, h = 4x^2; t=2: even, h = 4x^2 + x.
    assertArrayEquals(new double[] {4 * 0.25 + 0.5, 4 * 0.0625 - 0.25}, v.data(), 1e-12);
    ControlFlowGradients.check(b, out,
        Map.of("x", OpTesting.f64(new int[] {2}, 0.5, -0.25), "n", i32(3)), List.of(x));
  }

  @Test
  void atReadsARowAndScattersItsGradient() {
    Value xs = OpTesting.f64(new int[] {3, 2}, 1, 2, 3, 4, 5, 6);
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F64, Shape.of(TIME, Shape.of(2).dim(0)));
    Node t = Emit.placeholder(b, "t", DType.I32, Shape.SCALAR);
    Node row = ControlFlow.at(b, x, t);
    assertArrayEquals(new double[] {3, 4}, new Interpreter(Map.of("x", xs, "t", i32(1)), Map.of()).run(row).data());
    ControlFlowGradients.check(b, row, Map.of("x", xs, "t", i32(2)), List.of(x));
    ShapeError e = assertThrows(ShapeError.class, () -> ControlFlow.at(b, x, x));
    assertEquals("at: expects a tensor of rank at least 1 and an i32 scalar index, got f64[time, 2] and f64[time, 2]",
        e.getMessage());
  }
}

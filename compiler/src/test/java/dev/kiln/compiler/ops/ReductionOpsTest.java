package dev.kiln.compiler.ops;

import static dev.kiln.compiler.ops.OpTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.dsl.DType;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReductionOpsTest {
  interface Reduce {
    Node apply(GraphBuilder b, Node x, boolean keepDims, int... axes);
  }

  private static final Value X = f64(dims(2, 3), 1, 5, 3, 4, 2, 6);

  private static Value reduce(Reduce op, Value x, boolean keepDims, int... axes) {
    return eval((b, xs) -> op.apply(b, xs.get(0), keepDims, axes), x);
  }

  @Test
  void reduceSumValues() {
    assertValue(f64(dims(), 21), reduce(Emit::reduceSum, X, false));
    assertValue(f64(dims(1, 1), 21), reduce(Emit::reduceSum, X, true));
    assertValue(f64(dims(3), 5, 7, 9), reduce(Emit::reduceSum, X, false, 0));
    assertValue(f64(dims(2, 1), 9, 12), reduce(Emit::reduceSum, X, true, 1));
    assertValue(f64(dims(2), 9, 12), reduce(Emit::reduceSum, X, false, -1));
    assertValue(f64(dims(), 21), reduce(Emit::reduceSum, X, false, 1, 0));
    assertValue(of(DType.I32, dims(2), 3, 7),
        reduce(Emit::reduceSum, of(DType.I32, dims(2, 2), 1, 2, 3, 4), false, 1));
  }

  @Test
  void reduceSumOverAMiddleAxis() {
    Value x = f64(dims(2, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8);
    assertValue(f64(dims(2, 1, 2), 4, 6, 12, 14), reduce(Emit::reduceSum, x, true, 1));
    assertValue(f64(dims(2), 16, 20), reduce(Emit::reduceSum, x, false, 0, 1));
  }

  @Test
  void reduceMeanValues() {
    assertValue(f64(dims(), 3.5), reduce(Emit::reduceMean, X, false));
    assertValue(f64(dims(1, 3), 2.5, 3.5, 4.5), reduce(Emit::reduceMean, X, true, 0));
    assertValue(f64(dims(2), 3, 4), reduce(Emit::reduceMean, X, false, 1));
  }

  @Test
  void reduceMaxValues() {
    assertValue(f64(dims(), 6), reduce(Emit::reduceMax, X, false));
    assertValue(f64(dims(3), 4, 5, 6), reduce(Emit::reduceMax, X, false, 0));
    assertValue(f64(dims(2, 1), 5, 6), reduce(Emit::reduceMax, X, true, -1));
    assertValue(of(DType.I64, dims(2), 2, 7),
        reduce(Emit::reduceMax, of(DType.I64, dims(2, 2), -3, 2, 7, 7), false, 1));
  }

  @Test
  void reductionShapesWithSymbolicDims() {
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(10));
    assertEquals(new TensorType(DType.F32, Shape.of(BATCH)), Emit.reduceSum(b, x, false, 1).type());
    assertEquals(Shape.of(BATCH, d(1)), Emit.reduceMean(b, x, true, -1).shape());
    assertEquals(Shape.of(d(10)), Emit.reduceMax(b, x, false, 0).shape());
    assertEquals(Shape.of(d(1), d(10)), Emit.reduceMean(b, x, true, 0).shape());
    assertEquals(Shape.SCALAR, Emit.reduceSum(b, x, false).shape());
    assertEquals(Shape.of(d(1), d(1)), Emit.reduceSum(b, x, true).shape());
    assertEquals(dev.kiln.compiler.ir.OpKind.REDUCTION, Emit.reduceSum(b, x, false).op().kind());
  }

  @Test
  void reductionErrors() {
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(10));
    assertShapeError("reduceSum: axis 2 is out of range for shape [batch, 10]",
        () -> Emit.reduceSum(b, x, false, 2));
    assertShapeError("reduceMean: axis -3 is out of range for shape [batch, 10]",
        () -> Emit.reduceMean(b, x, true, -3));
    assertShapeError("reduceMax: axis -1 is listed twice for shape [batch, 10]",
        () -> Emit.reduceMax(b, x, false, 1, -1));
    assertShapeError("reduceMean: expects a floating-point tensor, got i32[3]",
        () -> Emit.reduceMean(b, ph(b, DType.I32, 3), false));
    assertShapeError("reduceSum: expects a numeric tensor, got bool[3]",
        () -> Emit.reduceSum(b, ph(b, DType.BOOL, 3), false));
    assertShapeError("reduceMax: axis 0 is out of range for shape []",
        () -> Emit.reduceMax(b, scalarPh(b, DType.F32), false, 0));
  }

  static Stream<Arguments> reductionGradientCases() {
    List<Object[]> ops = List.of(
        new Object[] {"reduceSum", (Reduce) Emit::reduceSum},
        new Object[] {"reduceMean", (Reduce) Emit::reduceMean},
        new Object[] {"reduceMax", (Reduce) Emit::reduceMax});
    int[][] axes = {{}, {0}, {1}, {-1}, {0, 1}};
    return ops.stream().flatMap(op -> Stream.of(axes).flatMap(a -> Stream.of(true, false)
        .map(keep -> Arguments.of(op[0], op[1], a, keep))));
  }

  @ParameterizedTest(name = "{0} axes={2} keepDims={3}")
  @MethodSource("reductionGradientCases")
  void reductionGradient(String name, Reduce op, int[] axes, boolean keepDims) {
    GradientCheck.check((b, xs) -> op.apply(b, xs.get(0), keepDims, axes),
        GradientCheck.uniform(21, -2, 2, 3, 4));
  }

  @ParameterizedTest(name = "{0} axes={2} keepDims={3}")
  @MethodSource("reductionGradientCases")
  void reductionGradientOverSymbolicBatch(String name, Reduce op, int[] axes, boolean keepDims) {
    GradientCheck.check((b, xs) -> op.apply(b, xs.get(0), keepDims, axes),
        List.of(Shape.of(BATCH, d(4))), GradientCheck.uniform(22, -2, 2, 3, 4));
  }

  @Test
  void reductionGradientOfRank3() {
    GradientCheck.check((b, xs) -> Emit.reduceMean(b, xs.get(0), false, 0, 2),
        GradientCheck.uniform(23, -2, 2, 2, 3, 2));
    GradientCheck.check((b, xs) -> Emit.reduceMax(b, xs.get(0), true, 1),
        GradientCheck.uniform(24, -2, 2, 2, 3, 2));
  }

  @Test
  void reduceMaxSplitsTheGradientAmongTies() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x0", DType.F64, Shape.of(2, 3));
    Node loss = Emit.reduceSum(b, Emit.reduceMax(b, x, false, 1), false);
    Node g = GradientCheck.backprop(b, loss, List.of(x)).get(0);
    Value v = new Interpreter(Map.of("x0", f64(dims(2, 3), 1, 3, 3, 2, 2, 2)), Map.of()).run(g);
    assertValue(f64(dims(2, 3), 0, 0.5, 0.5, 1 / 3.0, 1 / 3.0, 1 / 3.0), v);
  }

  // ---- argmax -------------------------------------------------------------------------------

  @Test
  void argmaxValues() {
    Value x = f64(dims(2, 3), 1, 5, 5, 7, 2, 6);
    assertValue(of(DType.I64, dims(2), 1, 0), eval((b, xs) -> Emit.argmax(b, xs.get(0), 1), x));
    assertValue(of(DType.I64, dims(2), 1, 0), eval((b, xs) -> Emit.argmax(b, xs.get(0), -1), x));
    assertValue(of(DType.I64, dims(3), 1, 0, 1), eval((b, xs) -> Emit.argmax(b, xs.get(0), 0), x));
    assertValue(of(DType.I64, dims(), 2),
        eval((b, xs) -> Emit.argmax(b, xs.get(0), 0), of(DType.I32, dims(3), -1, 0, 4)));
  }

  @Test
  void argmaxTypeErrorsAndGradient() {
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(10));
    Node a = Emit.argmax(b, x, 1);
    assertEquals(new TensorType(DType.I64, Shape.of(BATCH)), a.type());
    assertEquals(Shape.of(d(10)), Emit.argmax(b, x, 0).shape());
    assertNull(a.op().gradient(b, a, a).get(0));
    assertShapeError("argmax: axis 2 is out of range for shape [batch, 10]", () -> Emit.argmax(b, x, 2));
    assertShapeError("argmax: expects a numeric tensor, got bool[3]",
        () -> Emit.argmax(b, ph(b, DType.BOOL, 3), 0));
  }

  // ---- elementCount -------------------------------------------------------------------------

  @Test
  void elementCountValues() {
    Value x = f64(dims(2, 3, 4), new double[24]);
    assertValue(f64s(24), eval((b, xs) -> Emit.elementCount(b, xs.get(0)), x));
    assertValue(f64s(8), eval((b, xs) -> Emit.elementCount(b, xs.get(0), 0, -1), x));
    assertValue(f64s(3), eval((b, xs) -> Emit.elementCount(b, xs.get(0), 1), x));
    assertValue(of(DType.I32, dims(), 1), eval((b, xs) -> Emit.elementCount(b, xs.get(0)),
        of(DType.I32, dims(), 5)));
    // with a symbolic batch, the count is the run-time one
    assertValue(f64s(20), eval((b, xs) -> Emit.elementCount(b, xs.get(0)),
        List.of(Shape.of(BATCH, d(4))), f64(dims(5, 4), new double[20])));
  }

  @Test
  void elementCountTypeErrorsAndGradient() {
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(10));
    Node n = Emit.elementCount(b, x, 0);
    assertEquals(TensorType.scalar(DType.F32), n.type());
    assertNull(n.op().gradient(b, n, n).get(0));
    assertShapeError("elementCount: axis 2 is out of range for shape [batch, 10]",
        () -> Emit.elementCount(b, x, 2));
    assertShapeError("elementCount: expects a numeric tensor, got bool[3]",
        () -> Emit.elementCount(b, ph(b, DType.BOOL, 3)));
  }
}

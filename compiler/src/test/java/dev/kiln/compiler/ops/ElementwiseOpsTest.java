package dev.kiln.compiler.ops;

import static dev.kiln.compiler.ops.OpTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.dsl.DType;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ElementwiseOpsTest {
  interface Binary {
    Node apply(GraphBuilder b, Node x, Node y);
  }

  interface Unary {
    Node apply(GraphBuilder b, Node x);
  }

  private static Value binary(Binary op, Value x, Value y) {
    return eval((b, xs) -> op.apply(b, xs.get(0), xs.get(1)), x, y);
  }

  private static Value unary(Unary op, Value x) {
    return eval((b, xs) -> op.apply(b, xs.get(0)), x);
  }

  // ---- binary arithmetic: reference values with broadcasting ---------------------------------

  private static final Value A = f64(dims(2, 3), 1, 2, 3, 4, 5, 6);
  private static final Value ROW = f64(dims(3), 10, 20, 30);
  private static final Value COL = f64(dims(2, 1), 2, -1);

  @Test
  void addBroadcastsARow() {
    assertValue(f64(dims(2, 3), 11, 22, 33, 14, 25, 36), binary(Emit::add, A, ROW));
  }

  @Test
  void subBroadcastsBothWays() {
    assertValue(f64(dims(2, 3), -1, 0, 1, 2, 3, 4), binary(Emit::sub, A, f64(dims(), 2)));
    assertValue(f64(dims(2, 3), 8, 18, 28, 11, 21, 31),
        binary(Emit::sub, ROW, COL));
  }

  @Test
  void mulBroadcastsAColumn() {
    assertValue(f64(dims(2, 3), 2, 4, 6, -4, -5, -6), binary(Emit::mul, A, COL));
  }

  @Test
  void divIsRealDivisionOnFloatsAndTruncatesOnIntegers() {
    assertValue(f64(dims(2, 3), 0.5, 1, 1.5, -4, -5, -6), binary(Emit::div, A, COL));
    assertValue(of(DType.I32, dims(3), 3, -3, 0),
        binary(Emit::div, of(DType.I32, dims(3), 7, -7, 1), of(DType.I32, dims(), 2)));
  }

  @Test
  void maximumAndMinimum() {
    Value x = f64(dims(2, 2), 1, 5, -3, 2);
    Value y = f64(dims(2), 2, 2);
    assertValue(f64(dims(2, 2), 2, 5, 2, 2), binary(Emit::maximum, x, y));
    assertValue(f64(dims(2, 2), 1, 2, -3, 2), binary(Emit::minimum, x, y));
    assertValue(f64(dims(1), Double.NaN), binary(Emit::maximum, f64(dims(1), Double.NaN), f64(dims(1), 1)));
  }

  @Test
  void comparisonsReturnBool() {
    Value x = f64(dims(2, 2), 1, 2, 3, 2);
    Value y = f64(dims(2), 2, 2);
    assertValue(of(DType.BOOL, dims(2, 2), 0, 1, 0, 1), binary(Emit::equal, x, y));
    assertValue(of(DType.BOOL, dims(2, 2), 1, 0, 1, 0), binary(Emit::notEqual, x, y));
    assertValue(of(DType.BOOL, dims(2, 2), 1, 0, 0, 0), binary(Emit::less, x, y));
    assertValue(of(DType.BOOL, dims(2, 2), 0, 0, 1, 0), binary(Emit::greater, x, y));
    assertValue(of(DType.BOOL, dims(2), 1, 0),
        binary(Emit::equal, of(DType.BOOL, dims(2), 1, 0), of(DType.BOOL, dims(2), 1, 1)));
    assertValue(of(DType.BOOL, dims(3), 0, 0, 1),
        binary(Emit::greater, of(DType.I64, dims(3), -1, 0, 1), of(DType.I64, dims(), 0)));
  }

  @Test
  void comparisonsHaveNoGradient() {
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, 3);
    Node y = ph(b, DType.F32, 3);
    for (Binary op : List.<Binary>of(Emit::equal, Emit::notEqual, Emit::less, Emit::greater)) {
      Node c = op.apply(b, x, y);
      List<Node> g = c.op().gradient(b, c, Emit.cast(b, c, DType.F32));
      assertEquals(2, g.size());
      assertNull(g.get(0));
      assertNull(g.get(1));
    }
  }

  // ---- binary shape rules ---------------------------------------------------------------------

  @Test
  void binaryShapesWithSymbolicDims() {
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(10));
    assertEquals(new TensorType(DType.F32, Shape.of(BATCH, d(10))), Emit.add(b, x, ph(b, DType.F32, 10)).type());
    assertEquals(Shape.of(BATCH, d(5)),
        Emit.mul(b, ph(b, DType.F32, BATCH, d(1)), ph(b, DType.F32, 1, 5)).shape());
    assertEquals(Shape.of(BATCH, d(10)), Emit.sub(b, x, ph(b, DType.F32, BATCH, d(1))).shape());
    assertEquals(new TensorType(DType.BOOL, Shape.of(BATCH, d(10))), Emit.less(b, x, x).type());
    assertEquals(Shape.of(d(3), BATCH, d(10)), Emit.maximum(b, ph(b, DType.F32, 3, 1, 1), x).shape());
  }

  @Test
  void binaryShapeErrors() {
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(10));
    assertShapeError("add: shapes [batch, 10] and [time, 10] cannot be broadcast together"
        + " (dimension batch vs time)", () -> Emit.add(b, x, ph(b, DType.F32, TIME, d(10))));
    assertShapeError("div: shapes [batch, 10] and [3] cannot be broadcast together"
        + " (dimension 10 vs 3)", () -> Emit.div(b, x, ph(b, DType.F32, 3)));
    assertShapeError("notEqual: shapes [batch, 10] and [3, 10] cannot be broadcast together"
        + " (dimension batch vs 3)", () -> Emit.notEqual(b, x, ph(b, DType.F32, 3, 10)));
    assertShapeError("sub: operands have different dtypes, f32[batch, 10] and f64[10]; cast one"
        + " of them", () -> Emit.sub(b, x, ph(b, DType.F64, 10)));
    assertShapeError("mul: expects numeric operands, got bool[2] and bool[2]",
        () -> Emit.mul(b, ph(b, DType.BOOL, 2), ph(b, DType.BOOL, 2)));
    assertShapeError("maximum: expects numeric operands, got bool[2] and bool[]",
        () -> Emit.maximum(b, ph(b, DType.BOOL, 2), scalarPh(b, DType.BOOL)));
  }

  // ---- binary gradients -----------------------------------------------------------------------

  static Stream<Arguments> binaryGradientCases() {
    List<Binary> ops = List.of(Emit::add, Emit::sub, Emit::mul, Emit::div, Emit::maximum, Emit::minimum);
    List<String> names = List.of("add", "sub", "mul", "div", "maximum", "minimum");
    int[][][] shapes = {
        {{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{3, 4}, {3, 1}}, {{4}, {3, 4}}, {{3, 1}, {1, 4}}, {{}, {3, 4}}};
    return java.util.stream.IntStream.range(0, ops.size()).boxed().flatMap(i ->
        Stream.of(shapes).map(s -> Arguments.of(names.get(i), ops.get(i), s[0], s[1])));
  }

  @ParameterizedTest(name = "{0} {2} {3}")
  @MethodSource("binaryGradientCases")
  void binaryGradient(String name, Binary op, int[] xShape, int[] yShape) {
    GradientCheck.check((b, xs) -> op.apply(b, xs.get(0), xs.get(1)),
        GradientCheck.awayFromZero(1, 0.5, 2, xShape), GradientCheck.awayFromZero(2, 0.5, 2, yShape));
  }

  @Test
  void binaryGradientWithSymbolicBatch() {
    GradientCheck.check((b, xs) -> Emit.mul(b, Emit.div(b, xs.get(0), xs.get(1)), xs.get(0)),
        List.of(Shape.of(BATCH, d(4)), Shape.of(d(4))),
        GradientCheck.awayFromZero(3, 0.5, 2, 3, 4), GradientCheck.awayFromZero(4, 0.5, 2, 4));
  }

  @Test
  void maximumGivesTiesToTheFirstOperand() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x0", DType.F64, Shape.of(3));
    Node y = Emit.placeholder(b, "x1", DType.F64, Shape.of(3));
    Node loss = Emit.reduceSum(b, Emit.maximum(b, x, y), false);
    List<Node> g = GradientCheck.backprop(b, loss, List.of(x, y));
    var feeds = java.util.Map.of("x0", f64(dims(3), 1, 2, 3), "x1", f64(dims(3), 2, 2, 2));
    var values = new dev.kiln.compiler.interp.Interpreter(feeds, java.util.Map.of()).run(g);
    assertValue(f64(dims(3), 0, 1, 1), values.get(g.get(0)));
    assertValue(f64(dims(3), 1, 0, 0), values.get(g.get(1)));
  }

  // ---- unary ----------------------------------------------------------------------------------

  @Test
  void unaryReferenceValues() {
    Value x = f64(dims(2, 2), -2, -0.5, 0.5, 4);
    assertValue(f64(dims(2, 2), 2, 0.5, -0.5, -4), unary(Emit::neg, x));
    assertValue(f64(dims(2, 2), Math.exp(-2), Math.exp(-0.5), Math.exp(0.5), Math.exp(4)), unary(Emit::exp, x));
    assertValue(f64(dims(2, 2), 4, 0.25, 0.25, 16), unary(Emit::square, x));
    assertValue(f64(dims(2, 2), 2, 0.5, 0.5, 4), unary(Emit::abs, x));
    assertValue(f64(dims(2, 2), 0, 0, 0.5, 4), unary(Emit::relu, x));
    assertValue(f64(dims(2, 2), Math.tanh(-2), Math.tanh(-0.5), Math.tanh(0.5), Math.tanh(4)), unary(Emit::tanh, x));
    Value p = f64(dims(3), 1, 4, Math.E);
    assertValue(f64(dims(3), 0, Math.log(4), 1), unary(Emit::log, p));
    assertValue(f64(dims(3), 1, 2, Math.sqrt(Math.E)), unary(Emit::sqrt, p));
    assertValue(f64(dims(3), 0.5, 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(2))),
        unary(Emit::sigmoid, f64(dims(3), 0, 2, -2)));
  }

  @Test
  void sigmoidIsStableForLargeInputs() {
    assertValue(f64(dims(2), 0, 1), unary(Emit::sigmoid, f64(dims(2), -1000, 1000)));
  }

  @Test
  void unaryKeepsTypeIncludingSymbolicDims() {
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(3));
    for (Unary op : List.<Unary>of(Emit::neg, Emit::exp, Emit::log, Emit::sqrt, Emit::square,
        Emit::abs, Emit::tanh, Emit::sigmoid, Emit::relu)) {
      assertEquals(x.type(), op.apply(b, x).type());
    }
  }

  @Test
  void integerSafeUnaryOpsAcceptIntegers() {
    Value x = of(DType.I32, dims(3), -2, 0, 3);
    assertValue(of(DType.I32, dims(3), 2, 0, -3), unary(Emit::neg, x));
    assertValue(of(DType.I32, dims(3), 2, 0, 3), unary(Emit::abs, x));
    assertValue(of(DType.I32, dims(3), 4, 0, 9), unary(Emit::square, x));
    assertValue(of(DType.I32, dims(3), 0, 0, 3), unary(Emit::relu, x));
  }

  @Test
  void unaryDtypeErrors() {
    GraphBuilder b = new GraphBuilder();
    Node i = ph(b, DType.I32, BATCH, d(3));
    assertShapeError("log: expects a floating-point tensor, got i32[batch, 3]", () -> Emit.log(b, i));
    assertShapeError("exp: expects a floating-point tensor, got i32[batch, 3]", () -> Emit.exp(b, i));
    assertShapeError("sqrt: expects a floating-point tensor, got i32[batch, 3]", () -> Emit.sqrt(b, i));
    assertShapeError("tanh: expects a floating-point tensor, got i32[batch, 3]", () -> Emit.tanh(b, i));
    assertShapeError("sigmoid: expects a floating-point tensor, got i32[batch, 3]", () -> Emit.sigmoid(b, i));
    Node bool = ph(b, DType.BOOL, 2);
    assertShapeError("neg: expects a numeric tensor, got bool[2]", () -> Emit.neg(b, bool));
    assertShapeError("abs: expects a numeric tensor, got bool[2]", () -> Emit.abs(b, bool));
    assertShapeError("square: expects a numeric tensor, got bool[2]", () -> Emit.square(b, bool));
    assertShapeError("relu: expects a numeric tensor, got bool[2]", () -> Emit.relu(b, bool));
  }

  static Stream<Arguments> unaryGradientCases() {
    return Stream.of(
        Arguments.of("neg", (Unary) Emit::neg, GradientCheck.uniform(5, -2, 2, 3, 4)),
        Arguments.of("exp", (Unary) Emit::exp, GradientCheck.uniform(6, -2, 2, 3, 4)),
        Arguments.of("log", (Unary) Emit::log, GradientCheck.uniform(7, 0.2, 3, 3, 4)),
        Arguments.of("sqrt", (Unary) Emit::sqrt, GradientCheck.uniform(8, 0.2, 3, 3, 4)),
        Arguments.of("square", (Unary) Emit::square, GradientCheck.uniform(9, -2, 2, 3, 4)),
        Arguments.of("abs", (Unary) Emit::abs, GradientCheck.awayFromZero(10, 0.1, 2, 3, 4)),
        Arguments.of("tanh", (Unary) Emit::tanh, GradientCheck.uniform(11, -2, 2, 3, 4)),
        Arguments.of("sigmoid", (Unary) Emit::sigmoid, GradientCheck.uniform(12, -4, 4, 3, 4)),
        Arguments.of("relu", (Unary) Emit::relu, GradientCheck.awayFromZero(13, 0.1, 2, 3, 4)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unaryGradientCases")
  void unaryGradient(String name, Unary op, Value x) {
    GradientCheck.check((b, xs) -> op.apply(b, xs.get(0)), x);
    GradientCheck.check((b, xs) -> op.apply(b, xs.get(0)), List.of(Shape.of(BATCH, d(4))), x);
  }

  // ---- cast -----------------------------------------------------------------------------------

  @Test
  void castConvertsElements() {
    Value x = f64(dims(4), -1.7, 0, 0.4, 2.9);
    assertValue(of(DType.I32, dims(4), -1, 0, 0, 2), unary((b, n) -> Emit.cast(b, n, DType.I32), x));
    assertValue(of(DType.BOOL, dims(4), 1, 0, 1, 1), unary((b, n) -> Emit.cast(b, n, DType.BOOL), x));
    assertValue(of(DType.F32, dims(2), 1, 0),
        unary((b, n) -> Emit.cast(b, n, DType.F32), of(DType.BOOL, dims(2), 1, 0)));
    assertValue(of(DType.F32, dims(1), (float) 0.1),
        unary((b, n) -> Emit.cast(b, n, DType.F32), f64(dims(1), 0.1)));
  }

  @Test
  void castTypeAndGradients() {
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(3));
    Node toF64 = Emit.cast(b, x, DType.F64);
    assertEquals(new TensorType(DType.F64, Shape.of(BATCH, d(3))), toF64.type());
    assertEquals(dev.kiln.compiler.ir.OpKind.ELEMENTWISE, toF64.op().kind());
    Node g = toF64.op().gradient(b, toF64, ph(b, DType.F64, BATCH, d(3))).get(0);
    assertEquals(x.type(), g.type());
    Node toInt = Emit.cast(b, x, DType.I64);
    assertNull(toInt.op().gradient(b, toInt, ph(b, DType.I64, BATCH, d(3))).get(0));
    Node fromInt = Emit.cast(b, toInt, DType.F32);
    assertNull(fromInt.op().gradient(b, fromInt, x).get(0));
  }

  @Test
  void castGradient() {
    GradientCheck.check((b, xs) -> Emit.cast(b, Emit.mul(b, xs.get(0), xs.get(0)), DType.F64),
        GradientCheck.uniform(14, -2, 2, 2, 3));
  }

}

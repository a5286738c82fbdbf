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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShapeOpsTest {
  // ---- matmul -------------------------------------------------------------------------------

  private static final Value A = f64(dims(2, 3), 1, 2, 3, 4, 5, 6);
  private static final Value B = f64(dims(3, 2), 7, 8, 9, 10, 11, 12);
  private static final Value AB = f64(dims(2, 2), 58, 64, 139, 154);

  private static Value transpose(Value v) {
    int m = v.dim(0);
    int n = v.dim(1);
    double[] t = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        t[j * m + i] = v.get(i * n + j);
      }
    }
    return f64(dims(n, m), t);
  }

  @ParameterizedTest(name = "transposeA={0} transposeB={1}")
  @CsvSource({"false,false", "true,false", "false,true", "true,true"})
  void matmulValues(boolean ta, boolean tb) {
    Value a = ta ? transpose(A) : A;
    Value b = tb ? transpose(B) : B;
    assertValue(AB, eval((g, xs) -> Emit.matmul(g, xs.get(0), xs.get(1), ta, tb), a, b));
  }

  @ParameterizedTest(name = "transposeA={0} transposeB={1}")
  @CsvSource({"false,false", "true,false", "false,true", "true,true"})
  void matmulGradient(boolean ta, boolean tb) {
    int[] aShape = ta ? dims(4, 3) : dims(3, 4);
    int[] bShape = tb ? dims(2, 4) : dims(4, 2);
    GradientCheck.check((g, xs) -> Emit.matmul(g, xs.get(0), xs.get(1), ta, tb),
        GradientCheck.uniform(31, -1, 1, aShape), GradientCheck.uniform(32, -1, 1, bShape));
  }

  @Test
  void matmulGradientWithSymbolicBatch() {
    GradientCheck.check((g, xs) -> Emit.matmul(g, xs.get(0), xs.get(1), false, false),
        List.of(Shape.of(BATCH, d(4)), Shape.of(4, 2)),
        GradientCheck.uniform(33, -1, 1, 3, 4), GradientCheck.uniform(34, -1, 1, 4, 2));
  }

  @Test
  void matmulShapes() {
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(784));
    Node w = ph(b, DType.F32, 784, 10);
    assertEquals(new TensorType(DType.F32, Shape.of(BATCH, d(10))), Emit.matmul(b, x, w, false, false).type());
    assertEquals(Shape.of(d(784), d(784)), Emit.matmul(b, x, x, true, false).shape());
    assertEquals(Shape.of(BATCH, BATCH), Emit.matmul(b, x, x, false, true).shape());
    assertShapeError("matmul: cannot multiply [batch, 784] by [10, 784]: inner dimensions 784 and 10 differ",
        () -> Emit.matmul(b, x, ph(b, DType.F32, 10, 784), false, false));
    assertShapeError("matmul: expects two matrices, got shapes [batch, 784] and [784]",
        () -> Emit.matmul(b, x, ph(b, DType.F32, 784), false, false));
    assertShapeError("matmul: expects two floating-point matrices of one dtype, got f32[batch, 784] and f64[784, 10]",
        () -> Emit.matmul(b, x, ph(b, DType.F64, 784, 10), false, false));
  }

  // ---- reshape ------------------------------------------------------------------------------

  @Test
  void reshapeValues() {
    assertValue(f64(dims(3, 2), 1, 2, 3, 4, 5, 6), eval((b, xs) -> Emit.reshape(b, xs.get(0), Shape.of(3, 2)), A));
    assertValue(f64(dims(6), 1, 2, 3, 4, 5, 6), eval((b, xs) -> Emit.reshape(b, xs.get(0), -1L), A));
    assertValue(f64(dims(1, 3, 2), 1, 2, 3, 4, 5, 6), eval((b, xs) -> Emit.reshape(b, xs.get(0), 1, -1, 2), A));
    assertValue(f64(dims(), 7), eval((b, xs) -> Emit.reshape(b, xs.get(0), Shape.SCALAR), f64(dims(1, 1), 7)));
  }

  @Test
  void reshapeResolvesMinusOneToASymbol() {
    GraphBuilder b = new GraphBuilder();
    Node images = ph(b, DType.F32, BATCH, d(28), d(28));
    assertEquals(Shape.of(BATCH, d(784)), Emit.reshape(b, images, -1, 784).shape());
    assertEquals(Shape.of(BATCH, d(28), d(28)),
        Emit.reshape(b, Emit.reshape(b, images, -1, 784), -1, 28, 28).shape());
    assertEquals(Shape.of(d(28), BATCH, d(28)), Emit.reshape(b, images, Shape.of(d(28), BATCH, d(28))).shape());
    assertEquals(Shape.of(d(2), d(3)), Emit.reshape(b, ph(b, DType.F32, 6), 2, -1).shape());
    Value v = eval((g, xs) -> Emit.reshape(g, xs.get(0), -1, 4),
        List.of(Shape.of(BATCH, d(2), d(2))), f64(dims(2, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8));
    assertValue(f64(dims(2, 4), 1, 2, 3, 4, 5, 6, 7, 8), v);
  }

  @Test
  void reshapeBindsSeveralSymbols() {
    Value x = f64(dims(2, 3, 4), new double[24]);
    Value y = eval((b, xs) -> Emit.reshape(b, xs.get(0), Shape.of(TIME, BATCH, d(2), d(2))),
        List.of(Shape.of(BATCH, TIME, d(4))), x);
    assertEquals(List.of(3, 2, 2, 2), java.util.Arrays.stream(y.shape()).boxed().toList());
  }

  @Test
  void reshapeErrors() {
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, 2, 3);
    Node s = ph(b, DType.F32, BATCH, d(784));
    assertShapeError("reshape: cannot reshape [2, 3] to [4, 2] because they hold different numbers of"
        + " elements (6 vs 8)", () -> Emit.reshape(b, x, Shape.of(4, 2)));
    assertShapeError("reshape: cannot reshape [batch, 784] to [batch, 10] because they hold different"
        + " numbers of elements (784 per batch vs 10 per batch)", () -> Emit.reshape(b, s, Shape.of(BATCH, d(10))));
    assertShapeError("reshape: cannot reshape [batch, 784] to [784, time] because their symbolic"
        + " dimensions differ (batch vs time)", () -> Emit.reshape(b, s, Shape.of(d(784), TIME)));
    assertShapeError("reshape: cannot reshape [batch, 784] to [784] because their symbolic"
        + " dimensions differ (batch vs none)", () -> Emit.reshape(b, s, Shape.of(784)));
    assertShapeError("reshape: cannot infer the -1 in [-1, 392] for shape [batch, 784]"
        + " (784 per batch elements)", () -> Emit.reshape(b, s, -1, 392));
    assertShapeError("reshape: cannot infer the -1 in [-1, 4] for shape [2, 3] (6 elements)",
        () -> Emit.reshape(b, x, -1, 4));
    assertShapeError("reshape: at most one dimension of the target [-1, -1] may be -1",
        () -> Emit.reshape(b, x, -1, -1));
    assertShapeError("reshape: the target [-2, 3] has a negative dimension -2",
        () -> Emit.reshape(b, x, -2, 3));
  }

  @Test
  void reshapeGradient() {
    GradientCheck.check((b, xs) -> Emit.reshape(b, Emit.square(b, xs.get(0)), 3, -1),
        GradientCheck.uniform(35, -1, 1, 2, 6));
    GradientCheck.check((b, xs) -> Emit.reshape(b, Emit.square(b, xs.get(0)), -1, 6),
        List.of(Shape.of(BATCH, d(2), d(3))), GradientCheck.uniform(36, -1, 1, 2, 2, 3));
  }

  // ---- broadcastLike ------------------------------------------------------------------------

  @Test
  void broadcastLikeValues() {
    Value like = f64(dims(2, 3), new double[6]);
    assertValue(f64(dims(2, 3), 1, 2, 3, 1, 2, 3),
        eval((b, xs) -> Emit.broadcastLike(b, xs.get(0), xs.get(1)), f64(dims(3), 1, 2, 3), like));
    assertValue(f64(dims(2, 3), 1, 1, 1, 2, 2, 2),
        eval((b, xs) -> Emit.broadcastLike(b, xs.get(0), xs.get(1), 1), f64(dims(2), 1, 2), like));
    assertValue(f64(dims(2, 3), 1, 1, 1, 2, 2, 2),
        eval((b, xs) -> Emit.broadcastLike(b, xs.get(0), xs.get(1), -1), f64(dims(2), 1, 2), like));
    assertValue(f64(dims(2, 3), 5, 5, 5, 5, 5, 5),
        eval((b, xs) -> Emit.broadcastLike(b, xs.get(0), xs.get(1), 0, 1), f64s(5), like));
    assertValue(of(DType.I32, dims(2, 3), 1, 1, 1, 2, 2, 2),
        eval((b, xs) -> Emit.broadcastLike(b, xs.get(0), xs.get(1)), of(DType.I32, dims(2, 1), 1, 2), like));
  }

  @Test
  void broadcastLikeShapesAndErrors() {
    GraphBuilder b = new GraphBuilder();
    Node like = ph(b, DType.F64, BATCH, d(10));
    assertEquals(new TensorType(DType.F32, Shape.of(BATCH, d(10))),
        Emit.broadcastLike(b, ph(b, DType.F32, BATCH), like, 1).type());
    assertEquals(Shape.of(BATCH, d(10)), Emit.broadcastLike(b, ph(b, DType.F32, 10), like, 0).shape());
    assertEquals(Shape.of(BATCH, d(10)), Emit.broadcastLike(b, ph(b, DType.F32, BATCH, d(1)), like).shape());
    assertShapeError("broadcastLike: cannot broadcast shape [3, 10] to shape [batch, 10]",
        () -> Emit.broadcastLike(b, ph(b, DType.F32, 3, 10), like));
    assertShapeError("broadcastLike: cannot broadcast shape [10, 1] to shape [batch, 10]",
        () -> Emit.broadcastLike(b, ph(b, DType.F32, 10), like, 1));
    assertShapeError("broadcastLike: cannot broadcast shape [2, batch, 10] to shape [batch, 10]",
        () -> Emit.broadcastLike(b, ph(b, DType.F32, d(2), BATCH, d(10)), like));
    assertShapeError("broadcastLike: cannot insert 2 axes [0, 1] into shape [10] to match the rank of"
        + " [batch, 10]", () -> Emit.broadcastLike(b, ph(b, DType.F32, 10), like, 0, 1));
    assertShapeError("broadcastLike: axes [1, 1] must be distinct ascending axes of shape [batch, 10]",
        () -> Emit.broadcastLike(b, scalarPh(b, DType.F32), like, 1, 1));
    assertShapeError("broadcastLike: axes [2] must be distinct ascending axes of shape [batch, 10]",
        () -> Emit.broadcastLike(b, ph(b, DType.F32, 10), like, 2));
  }

  @Test
  void broadcastLikeGradient() {
    GradientCheck.check((b, xs) -> Emit.broadcastLike(b, xs.get(0), xs.get(1), 1),
        GradientCheck.uniform(37, -1, 1, 3), GradientCheck.uniform(38, -1, 1, 3, 4));
    GradientCheck.check((b, xs) -> Emit.broadcastLike(b, xs.get(0), xs.get(1)),
        GradientCheck.uniform(39, -1, 1, 3, 1), GradientCheck.uniform(40, -1, 1, 2, 3, 4));
    GradientCheck.check((b, xs) -> Emit.broadcastLike(b, xs.get(0), xs.get(1), 0),
        GradientCheck.uniform(41, -1, 1, 1, 4), GradientCheck.uniform(42, -1, 1, 3, 2, 4));
    GradientCheck.check((b, xs) -> Emit.broadcastLike(b, xs.get(0), xs.get(1), 1),
        List.of(Shape.of(BATCH), Shape.of(BATCH, d(4))),
        GradientCheck.uniform(43, -1, 1, 3), GradientCheck.uniform(44, -1, 1, 3, 4));
  }

  @Test
  void broadcastLikeSendsNoGradientToLike() {
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, 3);
    Node like = ph(b, DType.F32, 2, 3);
    Node y = Emit.broadcastLike(b, x, like);
    List<Node> g = y.op().gradient(b, y, like);
    assertEquals(x.type(), g.get(0).type());
    assertNull(g.get(1));
  }

  // ---- sumToShape ---------------------------------------------------------------------------

  @Test
  void sumToShapeValues() {
    assertValue(f64(dims(3), 5, 7, 9), eval((b, xs) -> Emit.sumToShape(b, xs.get(0), xs.get(1)), A, f64(dims(3), 0, 0, 0)));
    assertValue(f64(dims(2, 1), 6, 15), eval((b, xs) -> Emit.sumToShape(b, xs.get(0), xs.get(1)), A, f64(dims(2, 1), 0, 0)));
    assertValue(f64(dims(1, 3), 5, 7, 9), eval((b, xs) -> Emit.sumToShape(b, xs.get(0), xs.get(1)), A, f64(dims(1, 3), 0, 0, 0)));
    assertValue(f64(dims(), 21), eval((b, xs) -> Emit.sumToShape(b, xs.get(0), xs.get(1)), A, f64s(0)));
    assertValue(A, eval((b, xs) -> Emit.sumToShape(b, xs.get(0), xs.get(1)), A, A));
  }

  @Test
  void sumToShapeShapesAndErrors() {
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(10));
    assertEquals(new TensorType(DType.F32, Shape.of(10)), Emit.sumToShape(b, x, ph(b, DType.F64, 10)).type());
    assertEquals(Shape.of(BATCH, d(1)), Emit.sumToShape(b, x, ph(b, DType.F32, BATCH, d(1))).shape());
    assertShapeError("sumToShape: cannot sum shape [batch, 10] down to shape [batch] because the latter"
        + " does not broadcast to the former", () -> Emit.sumToShape(b, x, ph(b, DType.F32, BATCH)));
    assertShapeError("sumToShape: cannot sum shape [batch, 10] down to shape [3, 10] because the latter"
        + " does not broadcast to the former", () -> Emit.sumToShape(b, x, ph(b, DType.F32, 3, 10)));
    assertShapeError("sumToShape: cannot sum shape [10] down to shape [batch, 10] because the latter"
        + " does not broadcast to the former", () -> Emit.sumToShape(b, ph(b, DType.F32, 10), x));
    assertShapeError("sumToShape: expects a numeric tensor, got bool[3]",
        () -> Emit.sumToShape(b, ph(b, DType.BOOL, 3), scalarPh(b, DType.BOOL)));
  }

  @Test
  void sumToShapeGradient() {
    GradientCheck.check((b, xs) -> Emit.sumToShape(b, xs.get(0), xs.get(1)),
        GradientCheck.uniform(45, -1, 1, 3, 4), GradientCheck.uniform(46, -1, 1, 4));
    GradientCheck.check((b, xs) -> Emit.sumToShape(b, xs.get(0), xs.get(1)),
        GradientCheck.uniform(47, -1, 1, 2, 3, 4), GradientCheck.uniform(48, -1, 1, 3, 1));
    GradientCheck.check((b, xs) -> Emit.sumToShape(b, xs.get(0), xs.get(1)),
        List.of(Shape.of(BATCH, d(4)), Shape.of(1, 4)),
        GradientCheck.uniform(49, -1, 1, 3, 4), GradientCheck.uniform(50, -1, 1, 1, 4));
  }
}

package dev.kiln.compiler.ops;

import static dev.kiln.compiler.ops.OpTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.dsl.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** pow, rsqrt, leakyRelu, softplus, logical ops, where, lessEqual and greaterEqual. */
class ElementwiseOps2Test {
  @Test
  void powBroadcastsAndFollowsMathPow() {
    Value x = f64(dims(2, 2), 2, 3, -2, 0);
    assertValue(f64(dims(2, 2), 4, 9, 4, 0),
        eval((b, xs) -> Emit.pow(b, xs.get(0), xs.get(1)), x, f64s(2)));
    assertValue(f64(dims(2), 8, 1.0 / 3),
        eval((b, xs) -> Emit.pow(b, xs.get(0), xs.get(1)), f64(dims(2), 2, 3), f64(dims(2), 3, -1)));
  }

  @Test
  void powGradientForBothOperands() {
    GradientCheck.check((b, xs) -> Emit.pow(b, xs.get(0), xs.get(1)),
        GradientCheck.uniform(1, 0.5, 2, 2, 3), GradientCheck.uniform(2, -2, 2, 3));
  }

  @Test
  void powGradientAtNonPositiveBaseIsFinite() {
    // x^2 at x = -1.5 and 0: dx = 2x; the exponent's log term is masked to 0 (TensorFlow's rule).
    GradientCheck.check((b, xs) -> Emit.pow(b, xs.get(0), Emit.scalar(b, DType.F64, 2)),
        f64(dims(3), -1.5, 0, 0.7));
  }

  @Test
  void rsqrtSoftplusLeakyReluValues() {
    assertValue(f64(dims(2), 0.5, 1), eval((b, xs) -> Emit.rsqrt(b, xs.get(0)), f64(dims(2), 4, 1)));
    Value sp = eval((b, xs) -> Emit.softplus(b, xs.get(0)), f64(dims(4), 0, 1000, -1000, 1));
    assertEquals(Math.log(2), sp.get(0), 1e-15);
    assertEquals(1000, sp.get(1), 0); // no overflow
    assertEquals(Math.exp(-1000), sp.get(2), 0); // tiny, not 0 - the small term is kept
    assertEquals(Math.log1p(Math.E), sp.get(3), 1e-15);
    assertValue(f64(dims(3), -0.4, 0, 3),
        eval((b, xs) -> Emit.leakyRelu(b, xs.get(0), 0.2), f64(dims(3), -2, 0, 3)));
  }

  @Test
  void unaryGradients() {
    GradientCheck.check((b, xs) -> Emit.rsqrt(b, xs.get(0)), GradientCheck.uniform(3, 0.3, 3, 2, 3));
    GradientCheck.check((b, xs) -> Emit.softplus(b, xs.get(0)), GradientCheck.uniform(4, -30, 30, 7));
    GradientCheck.check((b, xs) -> Emit.leakyRelu(b, xs.get(0), 0.1),
        GradientCheck.awayFromZero(5, 0.1, 2, 2, 4));
  }

  @Test
  void logicalOpsOnBool() {
    Value a = of(DType.BOOL, dims(4), 0, 0, 1, 1);
    Value c = of(DType.BOOL, dims(4), 0, 1, 0, 1);
    assertValue(of(DType.BOOL, dims(4), 0, 0, 0, 1), eval((b, xs) -> Emit.logicalAnd(b, xs.get(0), xs.get(1)), a, c));
    assertValue(of(DType.BOOL, dims(4), 0, 1, 1, 1), eval((b, xs) -> Emit.logicalOr(b, xs.get(0), xs.get(1)), a, c));
    assertValue(of(DType.BOOL, dims(4), 1, 1, 0, 0), eval((b, xs) -> Emit.logicalNot(b, xs.get(0)), a));
    assertValue(of(DType.BOOL, dims(2, 2), 0, 0, 0, 1), eval((b, xs) -> Emit.logicalAnd(b, xs.get(0), xs.get(1)),
        of(DType.BOOL, dims(2, 1), 0, 1), of(DType.BOOL, dims(2), 0, 1)));
  }

  @Test
  void logicalOpsRejectNumbers() {
    GraphBuilder b = new GraphBuilder();
    Node f = ph(b, DType.F32, 3);
    Node t = ph(b, DType.BOOL, 3);
    assertShapeError("logicalAnd: expects two bool tensors, got f32[3] and bool[3]",
        () -> Emit.logicalAnd(b, f, t));
    assertShapeError("logicalNot: expects a bool tensor, got f32[3]", () -> Emit.logicalNot(b, f));
  }

  @Test
  void comparisonsIncludeEquality() {
    Value x = f64(dims(3), 1, 2, 3);
    Value y = f64(dims(3), 2, 2, 2);
    assertValue(of(DType.BOOL, dims(3), 1, 1, 0), eval((b, xs) -> Emit.lessEqual(b, xs.get(0), xs.get(1)), x, y));
    assertValue(of(DType.BOOL, dims(3), 0, 1, 1), eval((b, xs) -> Emit.greaterEqual(b, xs.get(0), xs.get(1)), x, y));
  }

  @Test
  void whereBroadcastsAllThree() {
    Value cond = of(DType.BOOL, dims(2, 1), 1, 0);
    Value a = f64(dims(3), 1, 2, 3);
    Value c = f64s(-1);
    assertValue(f64(dims(2, 3), 1, 2, 3, -1, -1, -1),
        eval((b, xs) -> Emit.where(b, xs.get(0), xs.get(1), xs.get(2)), cond, a, c));
  }

  @Test
  void whereShapesAndErrors() {
    GraphBuilder b = new GraphBuilder();
    Node cond = ph(b, DType.BOOL, BATCH, d(1));
    Node a = ph(b, DType.F32, 4);
    assertEquals(Shape.of(BATCH, d(4)), Emit.where(b, cond, a, a).shape());
    assertShapeError("where: the condition must be a bool tensor, got f32[4]", () -> Emit.where(b, a, a, a));
    assertShapeError("where: the two branches have different dtypes, f32[4] and f64[4]; cast one of them",
        () -> Emit.where(b, cond, a, ph(b, DType.F64, 4)));
  }

  @Test
  void whereGradientIsMaskedAndUnbroadcast() {
    // cond is fed as a fixed mask through a comparison of a constant; a is broadcast along rows.
    GradientCheck.Fn f = (b, xs) -> {
      Node cond = Emit.greater(b, Emit.constant(b, DType.F64, Shape.of(2, 3), 1, -1, 1, -1, 1, -1),
          Emit.scalar(b, DType.F64, 0));
      return Emit.where(b, cond, xs.get(0), xs.get(1));
    };
    GradientCheck.check(f, GradientCheck.uniform(6, -1, 1, 3), GradientCheck.uniform(7, -1, 1, 2, 3));
    // Masking: the gradient of a reaches only where cond holds.
    Value g = eval((b, xs) -> {
      Node cond = Emit.constant(b, DType.BOOL, Shape.of(3), 1, 0, 1);
      Node out = Emit.where(b, cond, xs.get(0), xs.get(1));
      return StandardOps.SELECT.gradient(b, out, Emit.constant(b, DType.F64, Shape.of(3), 5)).get(1);
    }, f64(dims(3), 1, 2, 3), f64(dims(3), 4, 5, 6));
    assertValue(f64(dims(3), 5, 0, 5), g);
    assertEquals(null, whereCondGradient());
  }

  private static Node whereCondGradient() {
    GraphBuilder b = new GraphBuilder();
    Node out = Emit.where(b, ph(b, DType.BOOL, 3), ph(b, DType.F64, 3), ph(b, DType.F64, 3));
    List<Node> g = out.op().gradient(b, out, ph(b, DType.F64, 3));
    return g.get(0);
  }
}

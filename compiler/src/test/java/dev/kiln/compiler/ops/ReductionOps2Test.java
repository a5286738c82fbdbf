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

/** reduceProd (with zeros), reduceMin and argmin. */
class ReductionOps2Test {
  private static final Value M = f64(dims(2, 3), 1, -2, 3, 4, 5, -6);

  @Test
  void values() {
    assertValue(f64(dims(2), -6, -120), eval((b, xs) -> Emit.reduceProd(b, xs.get(0), false, 1), M));
    assertValue(f64(dims(1, 3), 1, -2, -6), eval((b, xs) -> Emit.reduceMin(b, xs.get(0), true, 0), M));
    assertValue(of(DType.I64, dims(2), 1, 2), eval((b, xs) -> Emit.argmin(b, xs.get(0), -1), M));
    assertValue(of(DType.I64, dims(3), 0, 0, 0),
        eval((b, xs) -> Emit.argmin(b, xs.get(0), 0), f64(dims(2, 3), 1, 1, 1, 1, 1, 1)));
    assertValue(of(DType.I32, dims(), 720),
        eval((b, xs) -> Emit.reduceProd(b, xs.get(0), false), of(DType.I32, dims(2, 3), 1, 2, 3, 4, 5, 6)));
  }

  @Test
  void shapesAndErrors() {
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(3));
    assertEquals(Shape.of(BATCH), Emit.reduceProd(b, x, false, 1).shape());
    assertEquals(Shape.of(d(1), d(3)), Emit.reduceMin(b, x, true, 0).shape());
    assertEquals(Shape.of(BATCH), Emit.argmin(b, x, 1).shape());
    assertShapeError("reduceMin: axis 2 is out of range for shape [batch, 3]", () -> Emit.reduceMin(b, x, false, 2));
    assertShapeError("argmin: axis -3 is out of range for shape [batch, 3]", () -> Emit.argmin(b, x, -3));
    assertShapeError("reduceProd: expects a numeric tensor, got bool[3]",
        () -> Emit.reduceProd(b, ph(b, DType.BOOL, 3), false));
  }

  @Test
  void reduceProdGradientWithNoOneAndTwoZeros() {
    // Row 0 has no zero, row 1 one zero, row 2 two zeros: central differences are exact here
    // because the product is linear in each element.
    Value x = f64(dims(3, 3), 2, -3, 0.5, 4, 0, 1.5, 0, 7, 0);
    GradientCheck.check((b, xs) -> Emit.reduceProd(b, xs.get(0), false, 1), x);
    Value g = eval((b, xs) -> {
      Node p = Emit.reduceProd(b, xs.get(0), false, 1);
      return GradientCheck.backprop(b, Emit.reduceSum(b, p, false), List.of(xs.get(0))).get(0);
    }, x);
    assertValue(f64(dims(3, 3), -1.5, 1, -6, 0, 6, 0, 0, 0, 0), g);
    GradientCheck.check((b, xs) -> Emit.reduceProd(b, xs.get(0), true, 0, 2),
        List.of(Shape.of(d(2), BATCH, d(3))), GradientCheck.uniform(61, 0.5, 1.5, 2, 2, 3));
  }

  @Test
  void reduceMinGradientSplitsTies() {
    GradientCheck.check((b, xs) -> Emit.reduceMin(b, xs.get(0), false, 1),
        List.of(Shape.of(BATCH, d(4))), GradientCheck.uniform(62, -1, 1, 3, 4));
    Value g = eval((b, xs) -> {
      Node m = Emit.reduceMin(b, xs.get(0), false);
      return GradientCheck.backprop(b, m, List.of(xs.get(0))).get(0);
    }, f64(dims(4), 1, -1, 3, -1));
    assertValue(f64(dims(4), 0, 0.5, 0, 0.5), g);
  }
}

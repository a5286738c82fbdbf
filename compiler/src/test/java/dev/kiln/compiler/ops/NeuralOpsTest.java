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

class NeuralOpsTest {
  private static double[] softmax(double... x) {
    double[] e = new double[x.length];
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      e[i] = Math.exp(x[i]);
      s += e[i];
    }
    for (int i = 0; i < x.length; i++) {
      e[i] /= s;
    }
    return e;
  }

  private static double[] concat(double[] a, double[] b) {
    double[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  private static double[] log(double[] a) {
    return java.util.Arrays.stream(a).map(Math::log).toArray();
  }

  @Test
  void softmaxOverTheLastAxis() {
    Value x = f64(dims(2, 3), 1, 2, 3, 0, 0, 0);
    double[] expected = concat(softmax(1, 2, 3), new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0});
    assertValue(f64(dims(2, 3), expected), eval((b, xs) -> Emit.softmax(b, xs.get(0)), x));
    assertValue(f64(dims(2, 3), log(expected)), eval((b, xs) -> Emit.logSoftmax(b, xs.get(0)), x));
    assertValue(f64(dims(1), 1), eval((b, xs) -> Emit.softmax(b, xs.get(0)), f64(dims(1), 42)));
  }

  @Test
  void softmaxIsNumericallyStable() {
    Value x = f64(dims(3), 1000, 1001, 1002);
    assertValue(f64(dims(3), softmax(0, 1, 2)), eval((b, xs) -> Emit.softmax(b, xs.get(0)), x));
    assertValue(f64(dims(3), log(softmax(0, 1, 2))), eval((b, xs) -> Emit.logSoftmax(b, xs.get(0)), x));
    Value y = f64(dims(2), -1000, 0);
    assertValue(f64(dims(2), -1000, 0), eval((b, xs) -> Emit.logSoftmax(b, xs.get(0)), y));
    assertValue(f64(dims(2), 0, 1), eval((b, xs) -> Emit.softmax(b, xs.get(0)), y));
  }

  @Test
  void softmaxShapesAndErrors() {
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(10));
    assertEquals(x.type(), Emit.softmax(b, x).type());
    assertEquals(x.type(), Emit.logSoftmax(b, x).type());
    assertShapeError("softmax: expects a floating-point tensor, got i64[batch, 10]",
        () -> Emit.softmax(b, ph(b, DType.I64, BATCH, d(10))));
    assertShapeError("logSoftmax: expects a floating-point tensor, got bool[3]",
        () -> Emit.logSoftmax(b, ph(b, DType.BOOL, 3)));
    assertShapeError("softmax: expects a tensor with at least one axis, got the scalar f32[]",
        () -> Emit.softmax(b, scalarPh(b, DType.F32)));
    assertShapeError("logSoftmax: expects a tensor with at least one axis, got the scalar f64[]",
        () -> Emit.logSoftmax(b, scalarPh(b, DType.F64)));
  }

  @Test
  void softmaxGradient() {
    GradientCheck.check((b, xs) -> Emit.softmax(b, xs.get(0)), GradientCheck.uniform(61, -2, 2, 3, 4));
    GradientCheck.check((b, xs) -> Emit.softmax(b, xs.get(0)), GradientCheck.uniform(62, -2, 2, 5));
    GradientCheck.check((b, xs) -> Emit.softmax(b, xs.get(0)), List.of(Shape.of(BATCH, d(4))),
        GradientCheck.uniform(63, -2, 2, 2, 4));
  }

  @Test
  void logSoftmaxGradient() {
    GradientCheck.check((b, xs) -> Emit.logSoftmax(b, xs.get(0)), GradientCheck.uniform(64, -2, 2, 3, 4));
    GradientCheck.check((b, xs) -> Emit.logSoftmax(b, xs.get(0)), GradientCheck.uniform(65, -2, 2, 2, 2, 3));
    GradientCheck.check((b, xs) -> Emit.logSoftmax(b, xs.get(0)), List.of(Shape.of(BATCH, d(4))),
        GradientCheck.uniform(66, -2, 2, 2, 4));
  }

  /** The seed workload's loss: mean cross-entropy of a softmax layer over a symbolic batch. */
  @Test
  void softmaxClassifierLossGradient() {
    GradientCheck.check((b, xs) -> {
      Node logits = Emit.add(b, Emit.matmul(b, xs.get(0), xs.get(1), false, false), xs.get(2));
      Node labels = xs.get(3);
      Node perExample = Emit.neg(b, Emit.reduceSum(b, Emit.mul(b, labels, Emit.logSoftmax(b, logits)), false, -1));
      return Emit.reduceMean(b, perExample, false);
    }, List.of(Shape.of(BATCH, d(5)), Shape.of(5, 3), Shape.of(3), Shape.of(BATCH, d(3))),
        GradientCheck.uniform(67, -1, 1, 4, 5), GradientCheck.uniform(68, -1, 1, 5, 3),
        GradientCheck.uniform(69, -1, 1, 3), f64(dims(4, 3), 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0));
  }
}

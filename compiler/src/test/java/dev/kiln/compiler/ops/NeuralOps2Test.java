package dev.kiln.compiler.ops;

import static dev.kiln.compiler.ops.OpTesting.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.passes.CommonSubexpressionElimination;
import dev.kiln.dsl.DType;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Fused losses, convolution, pooling, dropout, random and value ops: semantics, shapes, gradients. */
class NeuralOps2Test {
  private static final int[] S1 = {1, 1};
  private static final int[] S2 = {2, 2};

  // ---- cross-entropy ------------------------------------------------------------------------

  @Test
  void softmaxCrossEntropyPerExample() {
    Value labels = f64(dims(2, 3), 0, 1, 0, 1, 0, 0);
    Value logits = f64(dims(2, 3), 1, 2, 3, 0, 0, 0);
    double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    assertValue(f64(dims(2), lse - 2, Math.log(3)),
        eval((b, xs) -> Emit.softmaxCrossEntropyWithLogits(b, xs.get(0), xs.get(1)), labels, logits));
    // Stable: a confident wrong answer is a large finite loss, not infinity.
    assertValue(f64(dims(1), 1000),
        eval((b, xs) -> Emit.softmaxCrossEntropyWithLogits(b, xs.get(0), xs.get(1)),
            f64(dims(1, 2), 0, 1), f64(dims(1, 2), 1000, 0)));
  }

  @Test
  void softmaxCrossEntropyShapes() {
    GraphBuilder b = new GraphBuilder();
    Node l = ph(b, DType.F32, BATCH, d(10));
    assertEquals(Shape.of(BATCH), Emit.softmaxCrossEntropyWithLogits(b, l, l).shape());
    Node bad = ph(b, DType.F32, BATCH, d(9));
    assertShapeError("softmaxCrossEntropyWithLogits: labels and logits must have one shape and dtype,"
        + " got labels f32[batch, 9] and logits f32[batch, 10]",
        () -> Emit.softmaxCrossEntropyWithLogits(b, bad, l));
  }

  @Test
  void softmaxCrossEntropyGradients() {
    // Labels that are distributions (TF's case) and arbitrary ones: the rule is exact for both.
    Value dist = f64(dims(2, 3), 0.2, 0.5, 0.3, 0, 0, 1);
    GradientCheck.check((b, xs) -> Emit.softmaxCrossEntropyWithLogits(b, xs.get(0), xs.get(1)),
        dist, GradientCheck.uniform(1, -3, 3, 2, 3));
    GradientCheck.check((b, xs) -> Emit.softmaxCrossEntropyWithLogits(b, xs.get(0), xs.get(1)),
        GradientCheck.uniform(2, 0, 1, 2, 4), GradientCheck.uniform(3, -3, 3, 2, 4));
  }

  @Test
  void sigmoidCrossEntropyIsStable() {
    Value z = f64(dims(4), 1, 0, 0, 1);
    Value x = f64(dims(4), 0, 100, -100, 2);
    double last = Math.log1p(Math.exp(-2)); // -log(sigmoid(2))
    assertValue(f64(dims(4), Math.log(2), 100, Math.log1p(Math.exp(-100)), last),
        eval((b, xs) -> Emit.sigmoidCrossEntropyWithLogits(b, xs.get(0), xs.get(1)), z, x));
    GradientCheck.check((b, xs) -> Emit.sigmoidCrossEntropyWithLogits(b, xs.get(0), xs.get(1)),
        GradientCheck.uniform(4, 0, 1, 2, 3), GradientCheck.uniform(5, -4, 4, 2, 3));
    // Broadcast labels get their gradient summed back.
    GradientCheck.check((b, xs) -> Emit.sigmoidCrossEntropyWithLogits(b, xs.get(0), xs.get(1)),
        GradientCheck.uniform(6, 0, 1, 3), GradientCheck.uniform(7, -4, 4, 2, 3));
    GraphBuilder b = new GraphBuilder();
    assertShapeError("sigmoidCrossEntropyWithLogits: expects a floating-point tensor, got i32[3]",
        () -> Emit.sigmoidCrossEntropyWithLogits(b, ph(b, DType.I32, 3), ph(b, DType.I32, 3)));
  }

  // ---- conv2d -------------------------------------------------------------------------------

  private static Value iota(int... shape) {
    double[] d = new double[Value.sizeOf(shape)];
    Arrays.setAll(d, i -> i + 1);
    return f64(shape, d);
  }

  private static Value conv(Value x, Value w, int[] strides, String padding) {
    return eval((b, xs) -> Emit.conv2d(b, xs.get(0), xs.get(1), strides, padding), x, w);
  }

  @Test
  void conv2dValidAndSameByHand() {
    Value x = iota(1, 3, 3, 1); // 1 2 3 / 4 5 6 / 7 8 9
    Value ones = f64(dims(2, 2, 1, 1), 1, 1, 1, 1);
    assertValue(f64(dims(1, 2, 2, 1), 12, 16, 24, 28), conv(x, ones, S1, Windows.VALID));
    // SAME, stride 1, 2x2: one padded row and column, both at the bottom/right.
    assertValue(f64(dims(1, 3, 3, 1), 12, 16, 9, 24, 28, 15, 15, 17, 9),
        conv(x, ones, S1, Windows.SAME));
    // SAME, stride 2, 3x3 over 3x3: out 2x2, one padded row/column on each side.
    Value ones3 = f64(dims(3, 3, 1, 1), 1, 1, 1, 1, 1, 1, 1, 1, 1);
    assertValue(f64(dims(1, 2, 2, 1), 12, 16, 24, 28), conv(x, ones3, S2, Windows.SAME));
    // Two input channels into two filters: f0 sums channel 0, f1 doubles channel 1.
    Value x2 = f64(dims(1, 1, 2, 2), 1, 10, 2, 20);
    Value w2 = f64(dims(1, 1, 2, 2), 1, 0, 0, 2);
    assertValue(f64(dims(1, 1, 2, 2), 1, 20, 2, 40), conv(x2, w2, S1, Windows.VALID));
  }

  @Test
  void windowGeometryFollowsTensorFlow() {
    // SAME: ceil(in / stride); the extra padding goes after.
    assertEquals(new Windows.Axis(4, 3, 2, 2, 0), Windows.axis(4, 3, 2, true));
    assertEquals(new Windows.Axis(5, 3, 2, 3, 1), Windows.axis(5, 3, 2, true));
    assertEquals(new Windows.Axis(28, 5, 1, 28, 2), Windows.axis(28, 5, 1, true));
    // VALID: ceil((in - k + 1) / stride), no padding.
    assertEquals(new Windows.Axis(28, 5, 1, 24, 0), Windows.axis(28, 5, 1, false));
    assertEquals(new Windows.Axis(7, 2, 2, 3, 0), Windows.axis(7, 2, 2, false));
  }

  @Test
  void conv2dShapesAndErrors() {
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(28), d(28), d(1));
    Node w = ph(b, DType.F32, 5, 5, 1, 20);
    assertEquals(Shape.of(BATCH, d(24), d(24), d(20)), Emit.conv2d(b, x, w, S1, Windows.VALID).shape());
    assertEquals(Shape.of(BATCH, d(14), d(14), d(20)), Emit.conv2d(b, x, w, S2, Windows.SAME).shape());
    Node x3 = ph(b, DType.F32, BATCH, d(28), d(28), d(3));
    assertShapeError("conv2d: the input [batch, 28, 28, 3] has 3 channels but the filter [5, 5, 1, 20] expects 1",
        () -> Emit.conv2d(b, x3, w, S1, Windows.VALID));
    Node small = ph(b, DType.F32, BATCH, d(4), d(4), d(1));
    assertShapeError("conv2d: the 5x5 filter [5, 5, 1, 20] is larger than the 4x4 input [batch, 4, 4, 1] with VALID padding",
        () -> Emit.conv2d(b, small, w, S1, Windows.VALID));
    assertEquals(Shape.of(BATCH, d(4), d(4), d(20)), Emit.conv2d(b, small, w, S1, Windows.SAME).shape());
    assertShapeError("conv2d: expects an input of rank 4 [batch, height, width, channels], got [batch, 784]",
        () -> Emit.conv2d(b, ph(b, DType.F32, BATCH, d(784)), w, S1, Windows.VALID));
    assertShapeError("conv2d: strides must be two positive ints, got [0, 1]",
        () -> Emit.conv2d(b, x, w, new int[] {0, 1}, Windows.VALID));
  }

  @Test
  void conv2dGradientsValidSameAndStrided() {
    for (String padding : List.of(Windows.VALID, Windows.SAME)) {
      for (int[] strides : List.of(S1, S2, new int[] {2, 1})) {
        GradientCheck.check((b, xs) -> Emit.conv2d(b, xs.get(0), xs.get(1), strides, padding),
            GradientCheck.uniform(11, -1, 1, 2, 5, 4, 2), GradientCheck.uniform(12, -1, 1, 3, 2, 2, 3));
      }
    }
  }

  @Test
  void conv2dBackpropOpsAreAdjointsAndDifferentiable() {
    int[] in = {5, 4};
    GradientCheck.check((b, xs) -> Emit.conv2dBackpropInput(b, xs.get(0), xs.get(1), in, S2, Windows.SAME),
        GradientCheck.uniform(13, -1, 1, 3, 2, 2, 3), GradientCheck.uniform(14, -1, 1, 2, 3, 2, 3));
    GradientCheck.check((b, xs) -> Emit.conv2dBackpropFilter(b, xs.get(0), xs.get(1), new int[] {3, 2}, S2, Windows.SAME),
        GradientCheck.uniform(15, -1, 1, 2, 5, 4, 2), GradientCheck.uniform(16, -1, 1, 2, 3, 2, 3));
    GraphBuilder b = new GraphBuilder();
    Node w = ph(b, DType.F32, 3, 3, 1, 4);
    Node d = ph(b, DType.F32, BATCH, d(3), d(3), d(4));
    assertShapeError("conv2DBackpropInput: the gradient [batch, 3, 3, 4] does not match the output"
        + " [batch, 4, 4, 4] of convolving [batch, 6, 6, 1] with the filter [3, 3, 1, 4]",
        () -> Emit.conv2dBackpropInput(b, w, d, new int[] {6, 6}, S1, Windows.VALID));
  }

  // ---- pooling ------------------------------------------------------------------------------

  @Test
  void maxPoolByHandAndTiesRouteToTheFirst() {
    Value x = f64(dims(1, 4, 4, 1), 1, 2, 5, 6, 3, 4, 7, 8, 9, 9, 0, 0, 9, 9, 0, 1);
    Value pooled = eval((b, xs) -> Emit.maxPool(b, xs.get(0), S2, S2, Windows.VALID), x);
    assertValue(f64(dims(1, 2, 2, 1), 4, 8, 9, 1), pooled);
    Value g = f64(dims(1, 2, 2, 1), 10, 20, 30, 40);
    Value dx = eval((b, xs) -> Emit.maxPoolGrad(b, xs.get(0), xs.get(1), S2, S2, Windows.VALID), x, g);
    assertValue(f64(dims(1, 4, 4, 1), 0, 0, 0, 0, 0, 10, 0, 20, 30, 0, 0, 0, 0, 0, 0, 40), dx);
    // SAME: 3x3 input, 2x2 windows, stride 2: the last row/column windows are partial.
    Value y = iota(1, 3, 3, 1);
    assertValue(f64(dims(1, 2, 2, 1), 5, 6, 8, 9),
        eval((b, xs) -> Emit.maxPool(b, xs.get(0), S2, S2, Windows.SAME), y));
    // Negative values: padding never wins.
    Value neg = f64(dims(1, 1, 3, 1), -5, -6, -7);
    assertValue(f64(dims(1, 1, 2, 1), -5, -7),
        eval((b, xs) -> Emit.maxPool(b, xs.get(0), new int[] {1, 2}, S2, Windows.SAME), neg));
  }

  @Test
  void avgPoolCountsOnlyElementsInside() {
    Value y = iota(1, 3, 3, 1);
    assertValue(f64(dims(1, 2, 2, 1), 3, 4.5, 7.5, 9),
        eval((b, xs) -> Emit.avgPool(b, xs.get(0), S2, S2, Windows.SAME), y));
    Value g = f64(dims(1, 2, 2, 1), 4, 2, 2, 1);
    assertValue(f64(dims(1, 3, 3, 1), 1, 1, 1, 1, 1, 1, 1, 1, 1),
        eval((b, xs) -> Emit.avgPoolGrad(b, xs.get(0), new int[] {3, 3}, S2, S2, Windows.SAME), g));
  }

  @Test
  void poolGradients() {
    // Distinct values keep max pooling away from ties, where it has no derivative.
    double[] distinct = new double[2 * 5 * 4 * 2];
    for (int i = 0; i < distinct.length; i++) {
      distinct[i] = Math.sin(i * 1.7) * 3 + i * 1e-3;
    }
    Value x = f64(dims(2, 5, 4, 2), distinct);
    for (String padding : List.of(Windows.VALID, Windows.SAME)) {
      GradientCheck.check((b, xs) -> Emit.maxPool(b, xs.get(0), S2, S2, padding), x);
      GradientCheck.check((b, xs) -> Emit.maxPool(b, xs.get(0), new int[] {3, 2}, S1, padding), x);
      GradientCheck.check((b, xs) -> Emit.avgPool(b, xs.get(0), new int[] {3, 2}, S2, padding), x);
    }
    GradientCheck.check((b, xs) -> Emit.avgPoolGrad(b, xs.get(0), new int[] {5, 4}, S2, S2, Windows.SAME),
        GradientCheck.uniform(17, -1, 1, 2, 3, 2, 2));
  }

  @Test
  void poolShapeErrors() {
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(2), d(2), d(1));
    assertShapeError("maxPool: the 3x3 window is larger than the 2x2 input [batch, 2, 2, 1] with VALID padding",
        () -> Emit.maxPool(b, x, new int[] {3, 3}, S1, Windows.VALID));
    assertShapeError("avgPool: the window must be two positive ints, got [0, 2]",
        () -> Emit.avgPool(b, x, new int[] {0, 2}, S1, Windows.VALID));
    Node x28 = ph(b, DType.F32, BATCH, d(24), d(24), d(20));
    assertEquals(Shape.of(BATCH, d(12), d(12), d(20)), Emit.maxPool(b, x28, S2, S2, Windows.VALID).shape());
    ShapeError e = assertThrows(ShapeError.class, () -> {
      Node pooled = Emit.maxPool(b, x28, S2, S2, Windows.VALID);
      Node grad = Emit.maxPoolGrad(b, x28, pooled, S2, S2, Windows.VALID);
      grad.op().gradient(b, grad, grad);
    });
    assertTrue(e.getMessage().startsWith("maxPoolGrad: has no gradient"), e.getMessage());
  }

  // ---- dropout ------------------------------------------------------------------------------

  @Test
  void dropoutIsIdentityAtInferenceAndScaledMaskWhileTraining() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(BATCH, d(1000)));
    Node y = Emit.dropout(b, x, 0.25);
    double[] ones = new double[2000];
    Arrays.fill(ones, 2);
    Value xv = of(DType.F32, dims(2, 1000), ones);
    assertValue(xv, new Interpreter(Map.of("x", xv), Map.of()).run(y));

    Value trained = new Interpreter(Map.of("x", xv), Map.of(), 3).training(true).run(y);
    int dropped = 0;
    for (double v : trained.data()) {
      assertTrue(v == 0 || v == (float) (2 / 0.75), "element " + v);
      dropped += v == 0 ? 1 : 0;
    }
    assertTrue(dropped > 400 && dropped < 600, dropped + " of 2000 dropped at rate 0.25");
    // Reproducible: the same seed draws the same mask.
    assertValue(trained, new Interpreter(Map.of("x", xv), Map.of(), 3).training(true).run(y));
    assertNotEquals(trained, new Interpreter(Map.of("x", xv), Map.of(), 4).training(true).run(y));
    assertShapeError("dropout: the rate must be in [0, 1), got 1.0", () -> Emit.dropout(b, x, 1));
  }

  @Test
  void dropoutGradientIsTheSameMaskTimesTheUpstream() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F64, Shape.of(50));
    Node y = Emit.dropout(b, x, 0.5);
    Node loss = Emit.reduceSum(b, y, false);
    Node dx = GradientCheck.backprop(b, loss, List.of(x)).getFirst();
    double[] xs = new double[50];
    Arrays.fill(xs, 1);
    Map<Node, Value> out = new Interpreter(Map.of("x", f64(dims(50), xs)), Map.of(), 9)
        .training(true).run(List.of(y, dx));
    // With x = 1, forward and backward both equal the mask: drawn once per step.
    assertArrayEquals(out.get(y).data(), out.get(dx).data());
    assertTrue(Arrays.stream(out.get(dx).data()).anyMatch(v -> v == 0));
  }

  // ---- random and value ops -----------------------------------------------------------------

  @Test
  void randomOpsAreSeededImpureAndNeverMerged() {
    GraphBuilder b = new GraphBuilder();
    Shape s = Shape.of(100, 50);
    Node n1 = Emit.randomNormal(b, DType.F64, s, 2, 3);
    Node n2 = Emit.randomNormal(b, DType.F64, s, 2, 3);
    Node t = Emit.truncatedNormal(b, DType.F64, s, 0, 1);
    Node u = Emit.randomUniform(b, DType.F32, s, -1, 1);
    Node m = Emit.dropoutMask(b, n1, 0.5);
    Node m2 = Emit.dropoutMask(b, n1, 0.5);
    for (Node n : List.of(n1, t, u, m)) {
      assertFalse(n.op().isPure(), n.op().name());
    }
    assertEquals(b.graph().size(), CommonSubexpressionElimination.apply(b.graph()).graph().size());

    Map<Node, Value> out = new Interpreter(Map.of(), Map.of(), 1).run(List.of(n1, n2, t, u, m, m2));
    assertNotEquals(out.get(n1), out.get(n2));
    double[] nv = out.get(n1).data();
    double mean = Arrays.stream(nv).average().orElseThrow();
    double var = Arrays.stream(nv).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
    assertEquals(2, mean, 0.2);
    assertEquals(3, Math.sqrt(var), 0.2);
    assertTrue(Arrays.stream(out.get(t).data()).allMatch(v -> Math.abs(v) <= 2));
    assertTrue(Arrays.stream(out.get(u).data()).allMatch(v -> v >= -1 && v < 1));
    assertEquals(out.get(n1), new Interpreter(Map.of(), Map.of(), 1).run(n1));
    assertShapeError("randomUniform: the maximum 0.0 is less than the minimum 1.0",
        () -> Emit.randomUniform(b, DType.F32, s, 1, 0));
    assertShapeError("randomNormal: draws floating-point tensors, not i32",
        () -> Emit.randomNormal(b, DType.I32, s, 0, 1));
  }

  @Test
  void randomShuffleIsAPermutationOfRows() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F64, Shape.of(BATCH, d(2)));
    Node y = Emit.randomShuffle(b, x);
    double[] d = new double[40];
    for (int i = 0; i < 20; i++) {
      d[2 * i] = i;
      d[2 * i + 1] = -i;
    }
    Value v = new Interpreter(Map.of("x", f64(dims(20, 2), d)), Map.of(), 5).run(y);
    Set<Double> rows = new HashSet<>();
    boolean moved = false;
    for (int i = 0; i < 20; i++) {
      assertEquals(-v.get(2 * i), v.get(2 * i + 1), 0.0); // rows stay whole
      rows.add(v.get(2 * i));
      moved |= v.get(2 * i) != i;
    }
    assertEquals(20, rows.size());
    assertTrue(moved);
    assertThrows(ShapeError.class, () -> y.op().gradient(b, y, y));
  }

  @Test
  void fillAndRangeAreConstants() {
    GraphBuilder b = new GraphBuilder();
    Node r = Emit.range(b, DType.I32, 3, 10, 3);
    assertEquals(Shape.of(3), r.shape());
    Node f = Emit.range(b, DType.F32, 1, 0, -0.25);
    Node empty = Emit.range(b, DType.I32, 5, 1, 1);
    Node z = Emit.fill(b, DType.F32, Shape.of(2, 2), 7);
    Map<Node, Value> out = new Interpreter(Map.of(), Map.of()).run(List.of(r, f, empty, z));
    assertValue(of(DType.I32, dims(3), 3, 6, 9), out.get(r));
    assertValue(of(DType.F32, dims(4), 1, 0.75, 0.5, 0.25), out.get(f));
    assertValue(of(DType.I32, dims(0)), out.get(empty));
    assertValue(of(DType.F32, dims(2, 2), 7, 7, 7, 7), out.get(z));
    assertShapeError("range: expects finite bounds and a non-zero delta, got start 0.0, limit 1.0, delta 0.0",
        () -> Emit.range(b, DType.F32, 0, 1, 0));
  }
}

package dev.kiln.compiler.passes;

import static org.junit.jupiter.api.Assertions.*;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AutodiffTest {
  private static final double H = 1e-6;

  /** Central differences of {@code loss} with respect to the variable named {@code var}. */
  static Value numeric(Node loss, Map<String, Value> feeds, Map<String, Value> vars, String var) {
    Value v = vars.get(var);
    double[] g = new double[v.size()];
    for (int i = 0; i < g.length; i++) {
      g[i] = (at(loss, feeds, vars, var, i, H) - at(loss, feeds, vars, var, i, -H)) / (2 * H);
    }
    return new Value(v.dtype(), v.shape(), g);
  }

  private static double at(Node loss, Map<String, Value> feeds, Map<String, Value> vars, String var, int i, double h) {
    Value v = vars.get(var);
    double[] d = v.data().clone();
    d[i] += h;
    Map<String, Value> moved = new HashMap<>(vars);
    moved.put(var, new Value(v.dtype(), v.shape(), d));
    return new Interpreter(feeds, moved).run(loss).get(0);
  }

  @Test
  void softmaxRegressionMatchesCentralDifferences() {
    for (boolean stable : new boolean[] {false, true}) {
      Models.Softmax m = new Models.Softmax();
      Node loss = m.loss;
      Node w = m.w;
      Node bias = m.bias;
      GraphBuilder b = m.b;
      if (stable) {
        Rebuilder.Result r = StableLogSoftmax.apply(m.b.graph(), List.of(m.loss));
        loss = r.map(loss);
        w = r.map(w);
        bias = r.map(bias);
        b = r.builder();
      }
      Map<Node, Node> grads = Autodiff.gradients(b, loss, List.of(w, bias));
      assertEquals(List.of(w, bias), List.copyOf(grads.keySet()));
      assertEquals(w.type(), grads.get(w).type());
      assertEquals(bias.type(), grads.get(bias).type());
      assertTrue(grads.get(w).name().startsWith("gradients/"), grads.get(w).name());

      Random rnd = new Random(42);
      Map<String, Value> feeds = Map.of("examples", Models.random(rnd, 6, 4), "labels", Models.oneHot(rnd, 6, 3));
      Map<String, Value> vars = Map.of("weights", Models.random(rnd, 4, 3), "bias", Models.random(rnd, 3));
      Map<Node, Value> got = new Interpreter(feeds, vars).run(List.of(grads.get(w), grads.get(bias)));
      Models.assertClose(numeric(loss, feeds, vars, "weights"), got.get(grads.get(w)), 1e-5, 1e-8);
      Models.assertClose(numeric(loss, feeds, vars, "bias"), got.get(grads.get(bias)), 1e-5, 1e-8);
    }
  }

  @Test
  void sumsContributionsOfANodeUsedTwice() {
    GraphBuilder b = new GraphBuilder();
    Node w = Emit.variable(b, "w", DType.F64, Shape.of(3), "zeros");
    Node e = Emit.exp(b, w);
    // loss = sum(w * e + e * e) uses w twice and e three times.
    Node loss = Emit.reduceSum(b, Emit.add(b, Emit.mul(b, w, e), Emit.mul(b, e, e)), false);
    Node g = Autodiff.gradients(b, loss, List.of(w)).get(w);
    Value wv = Value.of(DType.F64, new int[] {3}, 0.5, -1, 2);
    Value got = new Interpreter(Map.of(), Map.of("w", wv)).run(g);
    double[] expected = new double[3];
    for (int i = 0; i < 3; i++) {
      double x = wv.get(i);
      expected[i] = Math.exp(x) + x * Math.exp(x) + 2 * Math.exp(2 * x);
    }
    Models.assertClose(Value.of(DType.F64, new int[] {3}, expected), got, 1e-12, 1e-12);
    Map<String, Value> vars = Map.of("w", wv);
    Models.assertClose(numeric(loss, Map.of(), vars, "w"), got, 1e-5, 1e-8);
  }

  @Test
  void unusedParameterGetsZeros() {
    GraphBuilder b = new GraphBuilder();
    Node w = Emit.variable(b, "w", DType.F64, Shape.of(2), "zeros");
    Node unused = Emit.variable(b, "unused", DType.F64, Shape.of(2, 2), "zeros");
    Node loss = Emit.reduceSum(b, Emit.square(b, w), false);
    Map<Node, Node> grads = Autodiff.gradients(b, loss, List.of(w, unused));
    Value z = new Interpreter(Map.of(), Map.of()).run(grads.get(unused));
    assertEquals(Value.zeros(DType.F64, 2, 2), z);
  }

  @Test
  void noGradientThroughIntegerPaths() {
    GraphBuilder b = new GraphBuilder();
    Node w = Emit.variable(b, "w", DType.F64, Shape.of(2, 3), "zeros");
    // argmax (i64) -> cast back to f64: no gradient flows, so w gets zeros from this path.
    Node idx = Emit.cast(b, Emit.argmax(b, w, 1), DType.F64);
    Node loss = Emit.add(b, Emit.reduceSum(b, idx, false), Emit.reduceSum(b, w, false));
    Node g = Autodiff.gradients(b, loss, List.of(w)).get(w);
    Value got = new Interpreter(Map.of(), Map.of("w", Models.random(new Random(2), 2, 3))).run(g);
    Models.assertClose(Value.of(DType.F64, new int[] {2, 3}, 1, 1, 1, 1, 1, 1), got, 0, 0);
  }

  @Test
  void lossMustBeAFloatingScalar() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(Dim.symbol("batch"), Dim.of(10)));
    Node w = Emit.variable(b, "w", DType.F32, Shape.of(10), "zeros");
    Node y = Emit.mul(b, x, w);
    ShapeError e = assertThrows(ShapeError.class, () -> Autodiff.gradients(b, y, List.of(w)));
    assertEquals("loss '" + y.name() + "' must be a floating-point scalar, got f32[batch, 10]", e.getMessage());
    Node i = Emit.argmax(b, Emit.reduceSum(b, y, false, 0), 0);
    assertThrows(ShapeError.class, () -> Autodiff.gradients(b, i, List.of(w)));
  }

  @Test
  void symbolicBatchPlaceholderGradient() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F64, Shape.of(Dim.symbol("batch"), Dim.of(2)));
    Node other = Emit.placeholder(b, "other", DType.F64, Shape.of(Dim.symbol("batch"), Dim.of(2)));
    Node loss = Emit.reduceMean(b, Emit.square(b, x), false);
    Map<Node, Node> grads = Autodiff.gradients(b, loss, List.of(x, other));
    Value xv = Value.of(DType.F64, new int[] {2, 2}, 1, 2, 3, 4);
    Map<Node, Value> got = new Interpreter(Map.of("x", xv, "other", xv), Map.of())
        .run(List.of(grads.get(x), grads.get(other)));
    Models.assertClose(Value.of(DType.F64, new int[] {2, 2}, 0.5, 1, 1.5, 2), got.get(grads.get(x)), 1e-12, 0);
    Models.assertClose(Value.zeros(DType.F64, 2, 2), got.get(grads.get(other)), 0, 0);
  }
}

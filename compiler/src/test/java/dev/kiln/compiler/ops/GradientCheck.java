package dev.kiln.compiler.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Numeric gradient checks of op gradient rules, in double precision: builds {@code f} over F64
 * placeholders, the scalar objective {@code reduceSum(f(x) * w)} with random weights {@code w},
 * derives d objective / d x with a tiny reverse-mode pass over the ops' own gradient rules, and
 * compares it element by element with central differences {@code (L(x+h) - L(x-h)) / 2h}.
 * An input that gets no gradient (a null entry) must have a numeric gradient of zero.
 */
final class GradientCheck {
  static final double H = 1e-6;
  static final double RTOL = 1e-5;
  static final double ATOL = 1e-6;

  private GradientCheck() {}

  /** The computation under test, built from one placeholder node per input. */
  @FunctionalInterface
  interface Fn {
    Node apply(GraphBuilder b, List<Node> xs);
  }

  /** Uniform random F64 values in [lo, hi). */
  static Value uniform(long seed, double lo, double hi, int... shape) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] d = new double[Value.sizeOf(shape)];
    Arrays.setAll(d, i -> r.nextDouble(lo, hi));
    return new Value(DType.F64, shape, d);
  }

  /** Random F64 values with |v| in [lo, hi) and a random sign: away from kinks at zero. */
  static Value awayFromZero(long seed, double lo, double hi, int... shape) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] d = new double[Value.sizeOf(shape)];
    Arrays.setAll(d, i -> (r.nextBoolean() ? 1 : -1) * r.nextDouble(lo, hi));
    return new Value(DType.F64, shape, d);
  }

  /** Checks with placeholders whose declared shapes are the inputs' concrete shapes. */
  static void check(Fn f, Value... inputs) {
    check(f, null, inputs);
  }

  /**
   * Checks with placeholders declared with {@code declared} shapes (which may hold symbols),
   * fed {@code inputs}.
   */
  static void check(Fn f, List<Shape> declared, Value... inputs) {
    GraphBuilder b = new GraphBuilder();
    List<Node> xs = new ArrayList<>();
    Map<String, Value> feeds = new HashMap<>();
    for (int i = 0; i < inputs.length; i++) {
      Shape shape = declared != null ? declared.get(i) : staticShape(inputs[i].shape());
      xs.add(Emit.placeholder(b, "x" + i, DType.F64, shape));
      feeds.put("x" + i, inputs[i]);
    }
    Node out = f.apply(b, xs);
    assertEquals(DType.F64, out.type().dtype(), "the checked function must return f64");
    Value outValue = new Interpreter(feeds, Map.of()).run(out);
    feeds.put("w", uniform(12345, -1, 1, outValue.shape()));
    Node w = Emit.placeholder(b, "w", DType.F64, out.shape());
    Node loss = Emit.reduceSum(b, Emit.mul(b, out, w), false);

    List<Node> grads = backprop(b, loss, xs);
    List<Node> fetches = new ArrayList<>();
    for (Node g : grads) {
      if (g != null) {
        fetches.add(g);
      }
    }
    Map<Node, Value> analytic = new Interpreter(feeds, Map.of()).run(fetches);

    for (int i = 0; i < inputs.length; i++) {
      double[] base = inputs[i].data();
      double[] expected = grads.get(i) == null ? new double[base.length]
          : analytic.get(grads.get(i)).data();
      assertEquals(base.length, expected.length, "gradient size of input " + i);
      for (int j = 0; j < base.length; j++) {
        double plus = lossAt(loss, feeds, i, inputs[i], j, base[j] + H);
        double minus = lossAt(loss, feeds, i, inputs[i], j, base[j] - H);
        double numeric = (plus - minus) / (2 * H);
        double tol = ATOL + RTOL * Math.max(Math.abs(numeric), Math.abs(expected[j]));
        if (!(Math.abs(numeric - expected[j]) <= tol)) {
          fail("d loss / d x" + i + "[" + j + "]: analytic " + expected[j] + " vs numeric "
              + numeric + " (input " + inputs[i] + ", gradient node " + grads.get(i) + ")");
        }
      }
    }
  }

  private static double lossAt(Node loss, Map<String, Value> feeds, int input, Value v, int j, double x) {
    double[] d = v.data().clone();
    d[j] = x;
    Map<String, Value> changed = new HashMap<>(feeds);
    changed.put("x" + input, new Value(v.dtype(), v.shape(), d));
    return new Interpreter(changed, Map.of()).run(loss).get(0);
  }

  static Shape staticShape(int[] shape) {
    return Shape.of(Arrays.stream(shape).asLongStream().toArray());
  }

  /**
   * Reverse-mode differentiation of the scalar {@code y} with respect to {@code wrt}, using each
   * op's gradient rule; null where no gradient reaches. Checks that every gradient rule returns one
   * entry per input, each of exactly its input's type.
   */
  static List<Node> backprop(GraphBuilder b, Node y, List<Node> wrt) {
    assertEquals(0, y.shape().rank(), "objective must be a scalar");
    List<Node> forward = new ArrayList<>(b.graph().nodes().subList(0, y.id() + 1));
    Map<Node, Node> grads = new IdentityHashMap<>();
    grads.put(y, Emit.scalar(b, y.type().dtype(), 1));
    for (int id = y.id(); id >= 0; id--) {
      Node n = forward.get(id);
      Node g = grads.get(n);
      if (g == null || n.inputs().isEmpty()) {
        continue;
      }
      List<Node> gs = n.op().gradient(b, n, g);
      assertEquals(n.inputs().size(), gs.size(), n.op().name() + " gradient arity");
      for (int k = 0; k < gs.size(); k++) {
        Node gk = gs.get(k);
        if (gk == null) {
          continue;
        }
        Node in = n.input(k);
        assertEquals(in.type(), gk.type(),
            n.op().name() + " gradient for input " + k + " must have the input's type");
        grads.merge(in, gk, (a, c) -> Emit.add(b, a, c));
      }
    }
    List<Node> out = new ArrayList<>();
    for (Node x : wrt) {
      out.add(grads.get(x));
    }
    assertTrue(out.stream().anyMatch(g -> g != null) || wrt.isEmpty(), "no gradient reached any input");
    return out;
  }
}

package dev.kiln.codegen.java;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.ControlFlow;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.compiler.passes.Autodiff;
import dev.kiln.dsl.DType;
import dev.kiln.runtime.NDArray;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * cond and whileLoop on the Java backend, forward and backward (BPTT), against the reference
 * interpreter: the generated {@code if}/{@code while} code, the tape sized by the run-time trip
 * count, and sequences of different lengths through one compiled model.
 */
class JavaBackendControlFlowTest {
  /** Fetches {@code out} and, for each wrt node, the gradient of reduceSum(out · seed). */
  private static void fetchWithGradients(Harness h, Node out, List<Node> wrt) {
    Node seed = h.input("seed", out.type().dtype(), out.shape().dims().stream()
        .map(d -> d.isStatic() ? (Object) d.size() : d.symbol()).toArray());
    Node loss = Emit.reduceSum(h.b, Emit.mul(h.b, out, seed), false);
    Map<Node, Node> g = Autodiff.gradients(h.b, loss, wrt);
    h.fetch("out", out);
    for (Node w : wrt) {
      h.fetch("grad_" + w.attrs().<String>get("name"), g.get(w));
    }
  }

  /** Runs every fetch of {@code h} on {@code feeds} and compares it with the interpreter. */
  private static void run(Harness h, Map<String, Value> feeds, String label) {
    Map<String, NDArray> arrays = new HashMap<>();
    feeds.forEach((k, v) -> arrays.put(k, Harness.toNDArray(v)));
    Interpreter interp = new Interpreter(feeds, Map.of());
    for (var e : h.fetches.entrySet()) {
      Harness.compare(e.getKey() + " " + label, interp.run(e.getValue()), h.call(e.getKey(), e.getValue(), arrays));
    }
  }

  private static Value random(DType t, long seed, int... shape) {
    return Harness.random(t, shape, new SplittableRandom(seed), null);
  }

  @Test
  void condForwardAndGradientOnBothBranches() {
    for (DType t : new DType[] {DType.F64, DType.F32}) {
      Harness h = new Harness("Cond" + t.label());
      Node p = h.input("p", DType.BOOL);
      Node x = h.input("x", t, "batch", 3);
      Node y = h.input("y", t, "batch", 3);
      Node out = ControlFlow.cond(h.b, null, p,
          r -> List.of(Emit.tanh(r.builder(), Emit.mul(r.builder(), r.read(x), r.read(y)))),
          r -> List.of(Emit.sub(r.builder(), r.read(x), Emit.square(r.builder(), r.read(y))))).getFirst();
      fetchWithGradients(h, out, List.of(x, y));
      h.compile();
      assertTrue(h.source.contains("if (p"), "a plain Java if:\n" + h.source);
      for (boolean taken : new boolean[] {true, false}) {
        run(h, Map.of("p", Value.scalar(DType.BOOL, taken ? 1 : 0), "x", random(t, 1, 2, 3),
            "y", random(t, 2, 2, 3), "seed", random(t, 3, 2, 3)), "taken=" + taken);
      }
    }
  }

  @Test
  void powerByRepeatedMultiplicationForRunTimeN() {
    Harness h = new Harness("Power");
    Node x = h.input("x", DType.F64, 3);
    Node n = h.input("n", DType.I32);
    GraphBuilder b = h.b;
    Node one = Emit.broadcastLike(b, Emit.scalar(b, DType.F64, 1), x, 0);
    Node out = ControlFlow.whileLoop(b, null, List.of(Emit.scalar(b, DType.I32, 0), one),
        (r, v) -> Emit.less(r.builder(), v.get(0), r.read(n)),
        (r, v) -> List.of(Emit.add(r.builder(), v.get(0), Emit.scalar(r.builder(), DType.I32, 1)),
            Emit.mul(r.builder(), v.get(1), r.read(x)))).get(1);
    fetchWithGradients(h, out, List.of(x));
    h.compile();
    assertTrue(h.source.contains("while (true)"), h.source);
    for (int k : new int[] {0, 1, 4}) {
      run(h, Map.of("x", random(DType.F64, 4, 3), "n", Value.scalar(DType.I32, k),
          "seed", random(DType.F64, 5, 3)), "n=" + k);
    }
  }

  @Test
  void rnnOverSequencesOfLengthThreeAndSevenWithoutPadding() {
    Harness h = new Harness("Rnn");
    Node xs = h.input("xs", DType.F64, "time", "batch", 4);
    Node h0 = h.input("h0", DType.F64, "batch", 4);
    Node w = h.input("w", DType.F64, 4, 4);
    GraphBuilder b = h.b;
    Node steps = ControlFlow.length(b, xs);
    Node out = ControlFlow.whileLoop(b, null, List.of(Emit.scalar(b, DType.I32, 0), h0),
        (r, v) -> Emit.less(r.builder(), v.get(0), r.read(steps)),
        (r, v) -> {
          GraphBuilder rb = r.builder();
          Node xt = ControlFlow.at(rb, r.read(xs), v.get(0));
          Node next = Emit.tanh(rb, Emit.add(rb, Emit.matmul(rb, v.get(1), r.read(w), false, false), xt));
          return List.of(Emit.add(rb, v.get(0), Emit.scalar(rb, DType.I32, 1)), next);
        }).get(1);
    fetchWithGradients(h, out, List.of(w, h0, xs));
    h.compile();
    for (int time : new int[] {3, 7}) {
      run(h, Map.of("xs", random(DType.F64, 10 + time, time, 2, 4), "h0", random(DType.F64, 11, 2, 4),
          "w", random(DType.F64, 12, 4, 4), "seed", random(DType.F64, 13, 2, 4)), "time=" + time);
    }
  }
}

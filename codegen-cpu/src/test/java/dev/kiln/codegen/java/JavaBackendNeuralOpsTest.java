package dev.kiln.codegen.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.compiler.ops.Windows;
import dev.kiln.compiler.passes.KilnCompiler;
import dev.kiln.dsl.DType;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The neural ops on the Java backend against the reference interpreter: fused losses, conv2d and
 * its gradients, pools, dropout (inference and training) and random tensors, whose draws must
 * match the interpreter's exactly when both use the same generator.
 */
class JavaBackendNeuralOpsTest {
  private static final int[] S1 = {1, 1};
  private static final int[] S2 = {2, 2};

  /** One model holding every neural op at least once: what JavaBackendOpsTest's completeness check relies on. */
  static Harness everyNeuralOp() {
    Harness h = new Harness("NeuralOps");
    h.generator = new SplittableRandom(42).split(); // as create(42) seeds the instance's
    Node labels = h.input("labels", DType.F32, "batch", 5);
    h.shaping.put("labels", v -> Math.abs(v));
    Node logits = h.input("logits", DType.F32, "batch", 5);
    h.shaping.put("logits", v -> v * 30); // large logits: stability matters
    h.fetch("softmaxCe", Emit.softmaxCrossEntropyWithLogits(h.b, labels, logits));
    Node z = h.input("z", DType.F32, 5);
    h.shaping.put("z", v -> v > 0 ? 1 : 0);
    h.fetch("sigmoidCe", Emit.sigmoidCrossEntropyWithLogits(h.b, z, Emit.relu(h.b, logits)));

    Node x = h.input("x", DType.F32, "batch", 5, 6, 3);
    Node w = h.input("w", DType.F32, 3, 2, 3, 4);
    Node d = h.input("d", DType.F32, "batch", 3, 3, 4); // SAME, stride 2 over 5x6
    h.fetch("conv", Emit.conv2d(h.b, x, w, S2, Windows.SAME));
    h.fetch("backpropInput", Emit.conv2dBackpropInput(h.b, w, d, new int[] {5, 6}, S2, Windows.SAME));
    h.fetch("backpropFilter", Emit.conv2dBackpropFilter(h.b, x, d, new int[] {3, 2}, S2, Windows.SAME));
    Node pooled = Emit.maxPool(h.b, x, S2, S2, Windows.SAME);
    h.fetch("maxPool", pooled);
    h.fetch("maxPoolGrad", Emit.maxPoolGrad(h.b, x, Emit.exp(h.b, pooled), S2, S2, Windows.SAME));
    Node avg = Emit.avgPool(h.b, x, new int[] {3, 2}, S2, Windows.SAME);
    h.fetch("avgPool", avg);
    h.fetch("avgPoolGrad", Emit.avgPoolGrad(h.b, avg, new int[] {5, 6}, new int[] {3, 2}, S2, Windows.SAME));
    h.fetch("dropoutAtInference", Emit.dropout(h.b, logits, 0.5));

    h.fetch("normal", Emit.randomNormal(h.b, DType.F32, Shape.of(3, 4), 1, 2));
    h.fetch("truncated", Emit.truncatedNormal(h.b, DType.F64, Shape.of(50), 0, 1));
    h.fetch("uniform", Emit.randomUniform(h.b, DType.F32, Shape.of(7), -2, 3));
    h.fetch("shuffled", Emit.randomShuffle(h.b, x));
    return h;
  }

  @Test
  void everyNeuralOpMatchesTheInterpreter() {
    Harness h = everyNeuralOp();
    h.check(1, 3);
    assertTrue(h.source.contains("private final SplittableRandom rng;"), h.source);
    assertTrue(h.source.contains("new SplittableRandom(seed).split()"), h.source);
    assertTrue(h.source.contains("// Inference: dropout is the identity."), h.source);
  }

  @Test
  void convolutionsAndPoolsValidStridedF64AndTies() {
    Harness h = new Harness("Convs");
    Node x = h.input("x", DType.F64, "batch", 7, 6, 2);
    Node w = h.input("w", DType.F64, 3, 3, 2, 5);
    Node t = h.input("t", DType.F32, "batch", 4, 4, 3);
    h.shaping.put("t", v -> Math.floorMod((long) v, 2)); // many ties and zeros
    for (String padding : List.of(Windows.VALID, Windows.SAME)) {
      for (int[] strides : List.of(S1, S2, new int[] {2, 1})) {
        String n = padding + strides[0] + strides[1];
        Node y = Emit.conv2d(h.b, x, w, strides, padding);
        h.fetch("conv" + n, y);
        h.fetch("dx" + n, Emit.conv2dBackpropInput(h.b, w, y, new int[] {7, 6}, strides, padding));
        h.fetch("dw" + n, Emit.conv2dBackpropFilter(h.b, x, y, new int[] {3, 3}, strides, padding));
        Node m = Emit.maxPool(h.b, t, new int[] {3, 2}, strides, padding);
        h.fetch("max" + n, m);
        h.fetch("maxGrad" + n, Emit.maxPoolGrad(h.b, t, m, new int[] {3, 2}, strides, padding));
        Node a = Emit.avgPool(h.b, x, new int[] {2, 3}, strides, padding);
        h.fetch("avg" + n, a);
        h.fetch("avgGrad" + n, Emit.avgPoolGrad(h.b, a, new int[] {7, 6}, new int[] {2, 3}, strides, padding));
      }
    }
    h.check(1, 2);
  }

  @Test
  void randomOpsAreReproducibleAndFreshOnEveryCall() {
    Harness h = new Harness("Randoms");
    h.fetch("normal", Emit.randomNormal(h.b, DType.F32, Shape.of(4), 0, 1)).compile();
    NDArray first = (NDArray) Harness.invoke(h.instance, "normal");
    NDArray second = (NDArray) Harness.invoke(h.instance, "normal");
    assertNotEquals(first, second, "a random tensor is drawn afresh on every call");
    Harness again = new Harness("Randoms");
    again.fetch("normal", Emit.randomNormal(again.b, DType.F32, Shape.of(4), 0, 1)).compile();
    assertEquals(first, Harness.invoke(again.instance, "normal"), "the same seed draws the same values");
  }

  /**
   * A training step with dropout: the loss is sum(dropout(x * w)), so the gradient with respect
   * to w is mask * x. The step's loss and updated w must match the interpreter in training mode
   * with the same generator: forward and backward read one mask.
   */
  @Test
  void dropoutDrawsOneMaskPerTrainingStepAndIsIdentityInFetches() throws Exception {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F32, Harness.shape("batch", 40));
    Node w = Emit.variable(b, "w", DType.F32, Shape.of(40), "ones");
    Node out = Emit.dropout(b, Emit.mul(b, x, w), 0.5);
    Node loss = Emit.reduceSum(b, out, false);
    CompiledModel model = KilnCompiler.compile(new ModelSpec("test.drop", "Drop", b.graph(),
        List.of(x), List.of(w), List.of(new ModelSpec.Named("out", out)),
        List.of(new ModelSpec.Named("loss", loss))));
    var files = JavaBackend.generate(model);
    Class<?> type = InMemoryJavac.compileAndLoad(files, "test.drop.DropCompiled");
    Object m = type.getMethod("create", long.class).invoke(null, 42L);

    Value xv = Harness.random(DType.F32, new int[] {2, 40}, new SplittableRandom(1), v -> v + 3);
    NDArray xa = Harness.toNDArray(xv);
    // Fetches: identity.
    Harness.compare("out", new Interpreter(Map.of("x", xv), Map.of("w", ones(40))).run(
        model.entryPoints().getFirst().output()), Harness.invoke(m, "out", xa));

    EntryPoint train = model.entryPoints().stream()
        .filter(e -> e.kind() == EntryPoint.Kind.TRAIN).findFirst().orElseThrow();
    Interpreter interp = new Interpreter(Map.of("x", xv), Map.of("w", ones(40)),
        new SplittableRandom(42).split()).training(true);
    Node grad = train.gradients().values().iterator().next();
    Map<Node, Value> expected = interp.run(List.of(train.output(), grad));

    Object trainer = Harness.invoke(m, "trainer", Optimizers.sgd(1f));
    float stepLoss = (Float) Harness.invoke(trainer, "step", xa);
    Harness.compare("loss", expected.get(train.output()), stepLoss);
    NDArray wAfter = (NDArray) ((Map<?, ?>) Harness.invoke(m, "variables")).get("w");
    double[] g = expected.get(grad).data();
    int dropped = 0;
    for (int i = 0; i < 40; i++) {
      assertEquals(1 - g[i], wAfter.floats()[i], 1e-5, "w[" + i + "] after one sgd step");
      dropped += g[i] == 0 ? 1 : 0;
    }
    assertTrue(dropped > 0 && dropped < 40, dropped + " of 40 weights saw no gradient");
  }

  private static Value ones(int n) {
    double[] d = new double[n];
    java.util.Arrays.fill(d, 1);
    return new Value(DType.F32, new int[] {n}, d);
  }
}

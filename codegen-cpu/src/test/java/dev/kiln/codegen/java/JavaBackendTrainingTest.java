package dev.kiln.codegen.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.compiler.model.GeneratedFile;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.compiler.passes.KilnCompiler;
import dev.kiln.dsl.DType;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizer;
import dev.kiln.runtime.OptimizerState;
import dev.kiln.runtime.Optimizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A MNIST-like softmax regression, compiled by the passes and trained through the facade. */
class JavaBackendTrainingTest {
  static final int FEATURES = 20;
  static final int CLASSES = 4;

  /** The seed workload in miniature: softmax(x·W + b), mean cross-entropy, argmax accuracy. */
  static ModelSpec softmaxRegression() {
    GraphBuilder b = new GraphBuilder();
    Node examples = Emit.placeholder(b, "examples", DType.F32, Harness.shape("batch", FEATURES));
    Node labels = Emit.placeholder(b, "labels", DType.F32, Harness.shape("batch", CLASSES));
    Node weights = Emit.variable(b, "weights", DType.F32, Shape.of(FEATURES, CLASSES), "zeros");
    Node bias = Emit.variable(b, "bias", DType.F32, Shape.of(CLASSES), "zeros");
    b.pushScope("estimates");
    Node logits = Emit.add(b, Emit.matmul(b, examples, weights, false, false), bias);
    Node estimates = Emit.softmax(b, logits);
    b.popScope();
    b.pushScope("loss");
    Node crossEntropy = Emit.neg(b, Emit.reduceSum(b,
        Emit.mul(b, labels, Emit.log(b, estimates)), false, 1));
    Node loss = Emit.reduceMean(b, crossEntropy, false);
    b.popScope();
    b.pushScope("accuracy");
    Node hits = Emit.equal(b, Emit.argmax(b, estimates, 1), Emit.argmax(b, labels, 1));
    Node accuracy = Emit.reduceMean(b, Emit.cast(b, hits, DType.F32), false);
    b.popScope();
    return new ModelSpec("test.mnist", "MnistLike", b.graph(), List.of(examples, labels),
        List.of(weights, bias),
        List.of(new ModelSpec.Named("estimates", estimates), new ModelSpec.Named("accuracy", accuracy)),
        List.of(new ModelSpec.Named("loss", loss)));
  }

  /** Separable synthetic data: each class a random centre, each example its centre plus noise. */
  static NDArray[] data(int n, long seed) {
    SplittableRandom centres = new SplittableRandom(1);
    float[][] c = new float[CLASSES][FEATURES];
    for (float[] row : c) {
      for (int j = 0; j < FEATURES; j++) {
        row[j] = (float) centres.nextGaussian();
      }
    }
    SplittableRandom rng = new SplittableRandom(seed);
    float[] x = new float[n * FEATURES];
    float[] y = new float[n * CLASSES];
    for (int i = 0; i < n; i++) {
      int k = rng.nextInt(CLASSES);
      y[i * CLASSES + k] = 1;
      for (int j = 0; j < FEATURES; j++) {
        x[i * FEATURES + j] = c[k][j] + 0.3f * (float) rng.nextGaussian();
      }
    }
    return new NDArray[] {NDArray.of(x, n, FEATURES), NDArray.of(y, n, CLASSES)};
  }

  /** SGD that also keeps a copy of every gradient it is handed. */
  static final class RecordingSgd implements Optimizer {
    final float lr;
    final Map<Integer, NDArray> lastGrads = new HashMap<>();
    List<NDArray> params;

    RecordingSgd(float lr) {
      this.lr = lr;
    }

    @Override
    public OptimizerState init(List<NDArray> params) {
      this.params = params;
      return (i, param, grad) -> {
        lastGrads.put(i, grad.copy());
        float[] p = param.floats();
        float[] g = grad.floats();
        for (int j = 0; j < p.length; j++) {
          p[j] -= lr * g[j];
        }
      };
    }

    @Override
    public String describe() {
      return "recordingSgd(" + lr + ")";
    }
  }

  @Test
  void softmaxRegressionTrainsAndMatchesTheInterpreter(@TempDir Path tmp) throws Exception {
    CompiledModel model = KilnCompiler.compile(softmaxRegression());
    List<GeneratedFile> files = JavaBackend.generate(model);
    String source = files.getFirst().content();
    Files.writeString(Path.of(System.getProperty("java.io.tmpdir"), "kiln-MnistLikeCompiled.java"), source);
    Class<?> type = InMemoryJavac.compileAndLoad(files, "test.mnist.MnistLikeCompiled");
    Object m = type.getMethod("create", long.class).invoke(null, 3L);

    RecordingSgd sgd = new RecordingSgd(0.5f);
    Object trainer = Harness.invoke(m, "trainer", sgd);
    assertEquals(List.of("weights", "bias"), List.copyOf(variables(m).keySet()));
    assertTrue(sgd.params.get(0) == variables(m).get("weights"), "optimizer got the live params");

    EntryPoint train = model.entryPoints().stream()
        .filter(e -> e.kind() == EntryPoint.Kind.TRAIN).findFirst().orElseThrow();
    NDArray[] batch = data(64, 2);
    float first = Float.NaN;
    float last = Float.NaN;
    for (int step = 0; step < 30; step++) {
      // The interpreter's loss and gradients at the current variables...
      Map<String, Value> feeds = Map.of("examples", Harness.toValue(batch[0]),
          "labels", Harness.toValue(batch[1]));
      Map<String, Value> vars = new HashMap<>();
      variables(m).forEach((k, v) -> vars.put(k, Harness.toValue(v)));
      List<Node> fetch = new ArrayList<>(train.gradients().values());
      fetch.add(train.output());
      Map<Node, Value> expected = new Interpreter(feeds, vars).run(fetch);
      Object fetchedLoss = Harness.invoke(m, "loss", batch[0], batch[1]);
      // ...equal the generated step's.
      float loss = (Float) Harness.invoke(trainer, "step", batch[0], batch[1]);
      Harness.compare("loss at step " + step, expected.get(train.output()), loss);
      Harness.compare("fetched loss at step " + step, expected.get(train.output()), fetchedLoss);
      int i = 0;
      for (Node g : train.gradients().values()) {
        Harness.compare("gradient " + g.name() + " at step " + step, expected.get(g), sgd.lastGrads.get(i++));
      }
      if (step == 0) {
        first = loss;
      }
      last = loss;
    }
    assertTrue(last < first * 0.2f, "loss fell from " + first + " to " + last);

    NDArray[] test = data(200, 9);
    float accuracy = (Float) Harness.invoke(m, "accuracy", test[0], test[1]);
    assertTrue(accuracy > 0.95f, "accuracy " + accuracy);
    NDArray estimates = (NDArray) Harness.invoke(m, "estimates", test[0]);
    assertEquals(List.of(200, CLASSES), List.of(estimates.dim(0), estimates.dim(1)));

    // A plain optimizer through lossTrainer, and a checkpoint round trip.
    Object plain = Harness.invoke(m, "lossTrainer", Optimizers.sgd(0.1f));
    float before = (Float) Harness.invoke(plain, "step", batch[0], batch[1]);
    Path file = tmp.resolve("model.ckpt");
    Harness.invoke(m, "save", file);
    float saved = (Float) Harness.invoke(m, "loss", batch[0], batch[1]);
    Harness.invoke(plain, "step", batch[0], batch[1]);
    Harness.invoke(m, "restore", file);
    assertEquals(saved, (Float) Harness.invoke(m, "loss", batch[0], batch[1]));
    assertTrue(saved <= before);

    // Readability: kernels are commented with the nodes they compute.
    assertTrue(source.contains("// estimates/MatMul: MatMul(examples, weights) -> f32[batch, 4]"), source);
  }

  @Test
  void mlpGradientsMatchTheInterpreter() throws Exception {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F32, Harness.shape("batch", 6));
    Node y = Emit.placeholder(b, "y", DType.F32, Harness.shape("batch", 2));
    Node w1 = Emit.variable(b, "w1", DType.F32, Shape.of(6, 8), "glorotUniform");
    Node b1 = Emit.variable(b, "b1", DType.F32, Shape.of(8), "constant", 0.1);
    Node w2 = Emit.variable(b, "w2", DType.F32, Shape.of(8, 2), "randomNormal", 0, 0.5);
    b.pushScope("hidden");
    Node h = Emit.relu(b, Emit.add(b, Emit.matmul(b, x, w1, false, false), b1));
    b.popScope();
    Node out = Emit.tanh(b, Emit.matmul(b, h, w2, false, false));
    Node loss = Emit.reduceMean(b, Emit.square(b, Emit.sub(b, out, y)), false);
    ModelSpec spec = new ModelSpec("test.mlp", "Mlp", b.graph(), List.of(x, y), List.of(w1, b1, w2),
        List.of(new ModelSpec.Named("predict", out)), List.of(new ModelSpec.Named("loss", loss)));
    CompiledModel model = KilnCompiler.compile(spec);
    List<GeneratedFile> files = JavaBackend.generate(model);
    Object m = InMemoryJavac.compileAndLoad(files, "test.mlp.MlpCompiled")
        .getMethod("create", long.class).invoke(null, 5L);
    RecordingSgd sgd = new RecordingSgd(0.05f);
    Object trainer = Harness.invoke(m, "lossTrainer", sgd);
    EntryPoint train = model.entryPoints().stream()
        .filter(e -> e.kind() == EntryPoint.Kind.TRAIN).findFirst().orElseThrow();
    SplittableRandom rng = new SplittableRandom(4);
    for (int step = 0; step < 4; step++) {
      int n = 3 + step * 5; // a different batch size every step
      Value xv = Harness.random(DType.F32, new int[] {n, 6}, rng, null);
      Value yv = Harness.random(DType.F32, new int[] {n, 2}, rng, v -> Math.tanh(v));
      Map<String, Value> vars = new HashMap<>();
      variables(m).forEach((k, v) -> vars.put(k, Harness.toValue(v)));
      List<Node> fetch = new ArrayList<>(train.gradients().values());
      fetch.add(train.output());
      Map<Node, Value> expected = new Interpreter(Map.of("x", xv, "y", yv), vars).run(fetch);
      Object l = Harness.invoke(trainer, "step", Harness.toNDArray(xv), Harness.toNDArray(yv));
      Harness.compare("mlp loss", expected.get(train.output()), l);
      int i = 0;
      for (Node g : train.gradients().values()) {
        Harness.compare("mlp gradient " + g.name(), expected.get(g), sgd.lastGrads.get(i++));
      }
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, NDArray> variables(Object m) {
    return (Map<String, NDArray>) Harness.invoke(m, "variables");
  }
}

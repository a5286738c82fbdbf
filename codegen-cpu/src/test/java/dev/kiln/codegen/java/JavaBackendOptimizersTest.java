package dev.kiln.codegen.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.compiler.model.GeneratedFile;
import dev.kiln.compiler.passes.KilnCompiler;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizer;
import dev.kiln.runtime.OptimizerState;
import dev.kiln.runtime.Optimizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Compiled optimizer updates against the runtime reference: two instances of one model from one
 * seed, one trained by the trainer's compiled update for a built-in optimizer, the other through
 * the runtime {@code OptimizerState} of the same optimizer; their variables must agree step by step.
 */
class JavaBackendOptimizersTest {
  private static Class<?> type;
  private static String source;

  @BeforeAll
  static void compileOnce() {
    List<GeneratedFile> files = JavaBackend.generate(
        KilnCompiler.compile(JavaBackendTrainingTest.softmaxRegression()));
    source = files.getFirst().content();
    type = InMemoryJavac.compileAndLoad(files, "test.mnist.MnistLikeCompiled");
  }

  private static Object create() {
    try {
      return type.getMethod("create", long.class).invoke(null, 11L);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** The same optimizer hidden behind a plain Optimizer: the trainer must use the runtime update. */
  private static Optimizer reference(Optimizer builtIn) {
    return new Optimizer() {
      @Override
      public OptimizerState init(List<NDArray> params) {
        return builtIn.init(params);
      }

      @Override
      public String describe() {
        return "reference " + builtIn.describe();
      }
    };
  }

  /** Trains two fresh instances for {@code steps} steps; returns their variables' final values. */
  private static List<Map<String, NDArray>> trainBoth(Optimizer opt, int steps) {
    Object compiled = create();
    Object reference = create();
    Object compiledTrainer = Harness.invoke(compiled, "trainer", opt);
    Object referenceTrainer = Harness.invoke(reference, "trainer", reference(opt));
    for (int s = 0; s < steps; s++) {
      NDArray[] batch = JavaBackendTrainingTest.data(32, 100 + s);
      float lc = (Float) Harness.invoke(compiledTrainer, "step", batch[0], batch[1]);
      float lr = (Float) Harness.invoke(referenceTrainer, "step", batch[0], batch[1]);
      assertClose(opt + " loss at step " + s, new float[] {lr}, new float[] {lc});
      for (String v : List.of("weights", "bias")) {
        assertClose(opt + " " + v + " after step " + s, JavaBackendTrainingTest.variables(reference).get(v).floats(),
            JavaBackendTrainingTest.variables(compiled).get(v).floats());
      }
    }
    return List.of(JavaBackendTrainingTest.variables(compiled), JavaBackendTrainingTest.variables(reference));
  }

  private static void assertClose(String what, float[] want, float[] got) {
    for (int i = 0; i < want.length; i++) {
      if (!(Math.abs(want[i] - got[i]) <= 1e-6f * Math.max(1, Math.abs(want[i])))) {
        fail(what + ": element " + i + " is " + got[i] + ", the runtime reference gives " + want[i]);
      }
    }
  }

  @Test
  void everyBuiltInOptimizersCompiledUpdateEqualsTheReference() {
    for (Optimizer opt : List.of(Optimizers.sgd(0.3f), Optimizers.momentum(0.1f, 0.9f), Optimizers.adam(0.01f),
        Optimizers.rmsProp(0.01f), Optimizers.adam(0.05f, 0.8f, 0.99f, 1e-6f))) {
      List<Map<String, NDArray>> both = trainBoth(opt, 6);
      // The update really ran: the variables left their initial zeros.
      assertTrue(both.get(0).get("weights").floats()[0] != 0f, opt.describe());
    }
  }

  @Test
  void clippedUpdatesEqualTheReference() {
    for (Optimizer opt : List.of(Optimizers.sgd(0.3f).clipByGlobalNorm(0.05f),
        Optimizers.adam(0.01f).clipByGlobalNorm(0.05f), Optimizers.momentum(0.1f, 0.9f).clipByGlobalNorm(0.1f),
        Optimizers.rmsProp(0.01f).clipByGlobalNorm(0.1f))) {
      trainBoth(opt, 4);
    }
  }

  /** Of sgd(1): one step moves the variables by exactly the (clipped) gradient. */
  private static double stepNorm(Optimizer opt) {
    Object m = create();
    List<float[]> before = new ArrayList<>();
    JavaBackendTrainingTest.variables(m).values().forEach(v -> before.add(v.floats().clone()));
    NDArray[] batch = JavaBackendTrainingTest.data(32, 5);
    Harness.invoke(Harness.invoke(m, "trainer", opt), "step", batch[0], batch[1]);
    double sum = 0;
    int k = 0;
    for (NDArray v : JavaBackendTrainingTest.variables(m).values()) {
      float[] b = before.get(k++);
      for (int i = 0; i < b.length; i++) {
        double d = v.floats()[i] - b[i];
        sum += d * d;
      }
    }
    return Math.sqrt(sum);
  }

  @Test
  void clippingEngagesAboveTheThresholdOnly() {
    double unclipped = stepNorm(Optimizers.sgd(1f));
    assertTrue(unclipped > 0.1, "the gradient norm is " + unclipped);
    assertEquals(0.1, stepNorm(Optimizers.sgd(1f).clipByGlobalNorm(0.1f)), 1e-5, "clipped to the threshold");
    assertEquals(unclipped, stepNorm(Optimizers.sgd(1f).clipByGlobalNorm((float) unclipped * 2)), 0,
        "below the threshold nothing changes");
  }

  @Test
  void theTrainerSpecializesEachUpdate() {
    for (String s : List.of("private void updateAdam(Optimizers.Adam o", "private void updateSgd(Optimizers.Sgd o",
        "case Optimizers.RmsProp optimizerRule -> updateRmsProp(", "default -> optimizerState.step(",
        "float scale = clipScale(o.clipNorm(), g0, g1)", "for (int i = 0; i < 80; i++)")) {
      assertTrue(source.contains(s), s + " in\n" + source);
    }
  }
}

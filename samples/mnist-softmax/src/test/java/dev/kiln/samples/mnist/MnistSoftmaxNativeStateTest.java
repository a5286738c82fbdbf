package dev.kiln.samples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Backend;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.NativeOptimizer;
import dev.kiln.runtime.Optimizer;
import dev.kiln.runtime.Optimizers;
import dev.kiln.runtime.data.Batch;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.MnistDigits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLVM backend's resident state: the variables live in native memory and a built-in
 * optimizer's update runs inside the native step, so the Java variables must be synced wherever
 * they are observed (checkpoints, {@code variables()}) and pushed back after Java writes them
 * (restore, writes through {@code variables()}). Each case is checked against the Java backend.
 */
class MnistSoftmaxNativeStateTest {
  static List<Batch> batches;
  static NDArray probe;

  @TempDir Path dir;

  @BeforeAll
  static void loadDigits() throws IOException {
    Dataset[] split = MnistDigits.load().shuffled(5).split(2_000);
    batches = new ArrayList<>();
    for (Batch b : split[0].batches(50, new SplittableRandom(8))) {
      if (batches.size() == 8) {
        break;
      }
      batches.add(b);
    }
    probe = split[1].images().rows(0, 40);
  }

  @Test
  void everyBuiltInOptimizerUpdatesNativelyAsJavaDoes() throws Exception {
    List<Optimizer> optimizers = List.of(Optimizers.sgd(0.5f), Optimizers.momentum(0.1f, 0.9f),
        Optimizers.adam(0.01f), Optimizers.rmsProp(0.001f), Optimizers.sgd(0.5f).clipByGlobalNorm(0.3f),
        Optimizers.adam(0.01f).clipByGlobalNorm(0.2f));
    for (Optimizer opt : optimizers) {
      var java = MnistSoftmaxCompiled.create(3, Backend.JAVA);
      var llvm = MnistSoftmaxCompiled.create(3, Backend.LLVM);
      var tj = java.trainer(opt);
      var tl = llvm.trainer(opt);
      for (int s = 0; s < batches.size(); s++) {
        Batch b = batches.get(s);
        float lj = tj.step(b.images(), b.labels());
        float ll = tl.step(b.images(), b.labels());
        assertEquals(lj, ll, 1e-4 * Math.abs(lj), opt + " loss at step " + s);
      }
      assertEquals(batches.size(), nativeOptimizer(tl).completedSteps(), opt + " did not update natively");
      assertClose(opt + "", java, llvm, 1e-5f);
    }
  }

  @Test
  void aCheckpointOfAnLlvmInstanceHoldsItsTrainedVariables() {
    var llvm = MnistSoftmaxCompiled.create(4, Backend.LLVM);
    var sgd = llvm.trainer(Optimizers.sgd(0.5f));
    for (Batch b : batches) {
      sgd.step(b.images(), b.labels());
    }
    Path file = dir.resolve("llvm.safetensors");
    llvm.save(file);
    var java = MnistSoftmaxCompiled.create(99, Backend.JAVA);
    java.restore(file);
    float[] want = llvm.estimates(probe).floats();
    float[] got = java.estimates(probe).floats();
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-5, "estimate " + i);
    }
  }

  @Test
  void restoringIntoAnLlvmInstanceReachesItsNativeCode() {
    var source = MnistSoftmaxCompiled.create(6, Backend.JAVA);
    var sgd = source.trainer(Optimizers.sgd(0.5f));
    for (Batch b : batches.subList(0, 3)) {
      sgd.step(b.images(), b.labels());
    }
    Path file = dir.resolve("java.safetensors");
    source.save(file);

    var llvm = MnistSoftmaxCompiled.create(7, Backend.LLVM);
    var tl = llvm.trainer(Optimizers.momentum(0.1f, 0.9f));
    tl.step(batches.get(0).images(), batches.get(0).labels()); // its native variables move on first
    llvm.restore(file);
    var java = MnistSoftmaxCompiled.create(8, Backend.JAVA);
    java.restore(file);
    var tj = java.trainer(Optimizers.sgd(0.5f));
    tl = llvm.trainer(Optimizers.sgd(0.5f));
    for (Batch b : batches.subList(3, batches.size())) {
      float lj = tj.step(b.images(), b.labels());
      float ll = tl.step(b.images(), b.labels());
      assertEquals(lj, ll, 1e-4 * Math.abs(lj), "loss after restore");
    }
    assertClose("after restore", java, llvm, 1e-5f);
  }

  @Test
  void variablesShowNativeStepsAndWritesThroughThemReachNativeCode() {
    var java = MnistSoftmaxCompiled.create(2, Backend.JAVA);
    var llvm = MnistSoftmaxCompiled.create(2, Backend.LLVM);
    var tj = java.trainer(Optimizers.adam(0.01f));
    var tl = llvm.trainer(Optimizers.adam(0.01f));
    for (Batch b : batches.subList(0, 4)) {
      tj.step(b.images(), b.labels());
      tl.step(b.images(), b.labels());
    }
    assertClose("after native steps", java, llvm, 1e-5f);
    for (var m : List.of(java, llvm)) {
      float[] w = m.variables().get("weights").floats();
      for (int i = 0; i < w.length; i += 3) {
        w[i] = 0;
      }
    }
    float[] want = java.estimates(probe).floats();
    float[] got = llvm.estimates(probe).floats();
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-5, "estimate " + i + " after writing the weights");
    }
    for (Batch b : batches.subList(4, batches.size())) {
      assertEquals(tj.step(b.images(), b.labels()), tl.step(b.images(), b.labels()), 1e-4f);
    }
    assertClose("after more steps", java, llvm, 1e-5f);
  }

  private static NativeOptimizer nativeOptimizer(Object trainer) throws ReflectiveOperationException {
    var f = trainer.getClass().getDeclaredField("nativeOptimizer");
    f.setAccessible(true);
    NativeOptimizer o = (NativeOptimizer) f.get(trainer);
    assertNotNull(o, "the LLVM trainer has no native optimizer");
    return o;
  }

  private static void assertClose(String what, MnistSoftmaxCompiled java, MnistSoftmaxCompiled llvm, float tol) {
    for (String v : List.of("weights", "bias")) {
      float[] want = java.variables().get(v).floats();
      float[] got = llvm.variables().get(v).floats();
      assertEquals(want.length, got.length);
      float worst = 0;
      for (int i = 0; i < want.length; i++) {
        worst = Math.max(worst, Math.abs(want[i] - got[i]) / Math.max(1, Math.abs(want[i])));
      }
      assertTrue(worst <= tol, what + ": " + v + " differs by " + worst);
    }
  }
}

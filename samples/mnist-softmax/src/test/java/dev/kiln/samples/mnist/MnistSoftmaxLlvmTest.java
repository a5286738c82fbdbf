package dev.kiln.samples.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Backend;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import dev.kiln.runtime.data.Batch;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.MnistDigits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed model on the LLVM backend ({@code kiln-runtime-llvm} is a test dependency here): the
 * facade runs the packaged ahead-of-time library for this CPU (this sample builds with
 * {@code -Akiln.aot}), or JIT-compiles {@code MnistSoftmax.ll} when there is none, and trains and
 * fetches through it with the same results as the Java backend.
 */
class MnistSoftmaxLlvmTest {
  static Dataset train;
  static Dataset test;

  @BeforeAll
  static void loadDigits() throws IOException {
    Dataset[] split = MnistDigits.load().shuffled(11).split(2_000);
    train = split[0];
    test = split[1].split(300)[0];
  }

  @Test
  void twentyStepsGiveTheSameLossesOnJavaAndLlvm() {
    List<Float> java = losses(Backend.JAVA);
    List<Float> llvm = losses(Backend.LLVM);
    assertEquals(20, llvm.size());
    for (int i = 0; i < java.size(); i++) {
      float j = java.get(i);
      float l = llvm.get(i);
      assertTrue(Math.abs(j - l) <= 1e-4 * Math.abs(j), "step " + i + ": Java loss " + j + ", LLVM loss " + l);
    }
    assertTrue(llvm.getLast() < llvm.getFirst() / 2, "LLVM losses " + llvm);
  }

  @Test
  void fetchesAgreeOnARaggedBatch() {
    var java = MnistSoftmaxCompiled.create(4, Backend.JAVA);
    var llvm = MnistSoftmaxCompiled.create(4, Backend.LLVM);
    NDArray x = test.images().rows(0, 67);
    NDArray y = test.labels().rows(0, 67);
    float[] pj = java.estimates(x).floats();
    float[] pl = llvm.estimates(x).floats();
    assertArrayEquals(new int[] {67, 10}, llvm.estimates(x).shape());
    for (int i = 0; i < pj.length; i++) {
      assertEquals(pj[i], pl[i], 1e-5, "estimate " + i);
    }
    assertEquals(java.accuracy(x, y), llvm.accuracy(x, y));
    assertEquals(java.loss(x, y), llvm.loss(x, y), 1e-4 * Math.abs(java.loss(x, y)));
    assertNotEquals(0f, llvm.loss(x, y));
  }

  private static List<Float> losses(Backend backend) {
    var model = MnistSoftmaxCompiled.create(9, backend);
    var sgd = model.trainer(Optimizers.sgd(0.5f));
    List<Float> losses = new ArrayList<>();
    for (Batch b : train.batches(100, new SplittableRandom(3))) {
      if (losses.size() == 20) {
        break;
      }
      losses.add(sgd.step(b.images(), b.labels()));
    }
    return losses;
  }
}

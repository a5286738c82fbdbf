package dev.kiln.samples.lenet5;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * LeNet-5 on the LLVM backend ({@code kiln-runtime-llvm} is a test dependency here): every op
 * has an LLVM kernel, so the processor ships {@code LeNet5.ll} and the facade trains through it
 * (convolutions, max pooling and their gradients natively) with the Java backend's losses.
 */
class LeNet5LlvmTest {
  static Dataset train;
  static Dataset test;

  @BeforeAll
  static void loadDigits() throws IOException {
    Dataset[] split = MnistDigits.load().shuffled(13).split(500);
    train = split[0];
    test = split[1].split(200)[0];
  }

  @Test
  void fiveStepsGiveTheSameLossesOnJavaAndLlvm() {
    List<Float> java = losses(Backend.JAVA);
    List<Float> llvm = losses(Backend.LLVM);
    assertEquals(5, llvm.size());
    for (int i = 0; i < java.size(); i++) {
      float j = java.get(i);
      float l = llvm.get(i);
      // Both sum convolutions in f32 in different orders; five steps keep them within 1e-3.
      assertTrue(Math.abs(j - l) <= 1e-3 * Math.abs(j), "step " + i + ": Java loss " + j + ", LLVM loss " + l);
    }
    assertTrue(llvm.getLast() < llvm.getFirst(), "LLVM losses " + llvm);
  }

  @Test
  void fetchesAgreeOnARaggedBatch() {
    var java = LeNet5Compiled.create(4, Backend.JAVA);
    var llvm = LeNet5Compiled.create(4, Backend.LLVM);
    NDArray x = test.images().rows(0, 67);
    NDArray y = test.labels().rows(0, 67);
    assertEquals(java.accuracy(x, y), llvm.accuracy(x, y));
    float lj = java.loss(x, y);
    assertEquals(lj, llvm.loss(x, y), 1e-4 * Math.abs(lj));
  }

  private static List<Float> losses(Backend backend) {
    var model = LeNet5Compiled.create(9, backend);
    var sgd = model.trainer(Optimizers.sgd(0.05f));
    List<Float> losses = new ArrayList<>();
    for (Batch b : train.batches(50, new SplittableRandom(3))) {
      if (losses.size() == 5) {
        break;
      }
      losses.add(sgd.step(b.images(), b.labels()));
    }
    return losses;
  }
}

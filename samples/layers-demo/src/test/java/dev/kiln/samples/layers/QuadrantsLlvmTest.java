package dev.kiln.samples.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Backend;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import org.junit.jupiter.api.Test;

/**
 * The layers model on the LLVM backend ({@code kiln-runtime-llvm} is a test dependency here): 300
 * SGD steps give the Java backend's losses and learn the quadrants.
 */
class QuadrantsLlvmTest {
  @Test
  void trainingFollowsTheJavaBackend() {
    NDArray[] train = TrainQuadrants.points(256, 1);
    var java = QuadrantsCompiled.create(42, Backend.JAVA);
    var llvm = QuadrantsCompiled.create(42, Backend.LLVM);
    var javaSgd = java.trainer(Optimizers.sgd(0.3f));
    var llvmSgd = llvm.trainer(Optimizers.sgd(0.3f));
    for (int i = 0; i <= 300; i++) {
      float j = javaSgd.step(train[0], train[1]);
      float l = llvmSgd.step(train[0], train[1]);
      // f32 sums in other orders drift apart slowly over 300 steps: 1e-3 relative holds.
      assertTrue(Math.abs(j - l) <= 1e-3f * Math.abs(j) + 1e-6f, "step " + i + ": JAVA " + j + ", LLVM " + l);
    }
    assertTrue(llvm.accuracy(train[0], train[1]) > 0.85f);
  }
}

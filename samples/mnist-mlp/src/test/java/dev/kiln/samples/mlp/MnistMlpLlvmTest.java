package dev.kiln.samples.mlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Backend;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.MnistDigits;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The MLP sample on the LLVM backend ({@code kiln-runtime-llvm} is a test dependency here): the
 * same two epochs of Adam as {@link MnistMlpEndToEndTest}, with the update inside the native step,
 * reach the Java backend's held-out accuracy.
 */
class MnistMlpLlvmTest {
  @Test
  void twoEpochsOnLlvmReachTheJavaBackendsAccuracy() throws IOException {
    Dataset[] split = TrainMlp.split(MnistDigits.load());
    float java = TrainMlp.train(MnistMlpCompiled.create(TrainMlp.SEED, Backend.JAVA), split[0], split[1], 2, false)
        .accuracy();
    float llvm = TrainMlp.train(MnistMlpCompiled.create(TrainMlp.SEED, Backend.LLVM), split[0], split[1], 2, false)
        .accuracy();
    assertTrue(llvm >= 0.92f, "held-out accuracy on LLVM " + llvm);
    // 160 Adam steps in f32 with differently ordered sums: the 2,000 held-out predictions may
    // differ in a handful of borderline digits, not more.
    assertEquals(java, llvm, 0.005f, "held-out accuracy on JAVA " + java + ", on LLVM " + llvm);
  }
}

package dev.kiln.samples.start;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Backend;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.MnistDigits;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The getting-started sample on the LLVM backend ({@code kiln-runtime-llvm} is a test dependency
 * here): the same values as {@link GettingStartedTest}, the doubler's in-place state writes
 * checkpointed across backends, and the logistic regression's Java accuracy.
 */
class GettingStartedLlvmTest {
  @Test
  void firstGraphGivesTheSameValues() {
    var g = FirstGraphCompiled.create(0, Backend.LLVM);
    assertEquals(19f, g.onScalars(NDArray.scalar(3f), NDArray.scalar(4f)));
    assertArrayEquals(new float[] {9, 17, 27},
        g.onVectors(NDArray.of(new float[] {1, 2, 3}, 3), NDArray.of(new float[] {4, 5, 6}, 3)).floats());
  }

  @Test
  void theDoublersStateIsWrittenNativelyAndCheckpointsAcrossBackends(@TempDir Path dir) {
    var llvm = DoublerCompiled.create(0, Backend.LLVM);
    assertEquals(6f, llvm.doubled());
    assertEquals(12f, llvm.doubled());
    assertEquals(24f, llvm.doubled());
    assertEquals(24f, llvm.current());
    llvm.save(dir.resolve("llvm.safetensors"));
    var java = DoublerCompiled.create(0, Backend.JAVA);
    java.restore(dir.resolve("llvm.safetensors"));
    assertEquals(48f, java.doubled());
    java.save(dir.resolve("java.safetensors"));
    llvm.restore(dir.resolve("java.safetensors"));
    assertEquals(96f, llvm.doubled());
  }

  @Test
  void logisticRegressionReachesTheJavaBackendsAccuracy() throws IOException {
    Dataset[] split = GettingStarted.split(MnistDigits.load());
    GettingStarted.Result java = GettingStarted.train(TwoDigitsCompiled.create(1, Backend.JAVA), split[0], split[1], 3);
    GettingStarted.Result llvm = GettingStarted.train(TwoDigitsCompiled.create(1, Backend.LLVM), split[0], split[1], 3);
    assertTrue(llvm.accuracy() >= 0.90f, llvm.toString());
    assertEquals(java.accuracy(), llvm.accuracy(), 0.01f, "JAVA " + java + ", LLVM " + llvm);
    assertEquals(java.lossAfter(), llvm.lossAfter(), 1e-3f * java.lossAfter(), "JAVA " + java + ", LLVM " + llvm);
  }
}

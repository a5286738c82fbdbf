package dev.kiln.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** CI runs each benchmark body once (never timed): the harness builds and its workloads run. */
class BenchmarksSmokeTest {
  @Test
  void everyWorkloadRunsOnce() {
    MnistSoftmaxBench softmax = new MnistSoftmaxBench();
    softmax.batch = 100;
    softmax.backend = "LLVM";
    softmax.setUp();
    assertTrue(Float.isFinite(softmax.trainStep()));
    assertArrayEquals(new int[] {100, 10}, softmax.forward().shape());

    MlpBench mlp = new MlpBench();
    mlp.setUp();
    assertTrue(Float.isFinite(mlp.trainStep()));

    LeNet5Bench lenet = new LeNet5Bench();
    lenet.setUp();
    assertTrue(Float.isFinite(lenet.forward()));
    assertTrue(Float.isFinite(lenet.trainStep()));

    // The first step of a 10000-word model: the loss starts near ln(10000) = 9.21.
    WordLstmBench lstm = new WordLstmBench();
    lstm.setUp();
    float loss = lstm.trainStep();
    assertTrue(Math.abs(loss - Math.log(10000)) < 0.5, "first word-LSTM loss " + loss);
  }
}

package dev.kiln.bench;

import dev.kiln.bench.models.WordLstmCompiled;
import dev.kiln.runtime.Backend;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Workload 4: one SGD training step of the word LSTM (vocabulary 10000, 20 steps × batch 20 = 400
 * words per step); words/s = 400 / step time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class WordLstmBench {
  @Param({"JAVA", "LLVM"})
  public String backend = "JAVA";

  WordLstmCompiled.LossTrainer sgd;
  NDArray tokens;
  NDArray targets;

  @Setup
  public void setUp() {
    sgd = WordLstmCompiled.create(1, Backend.valueOf(backend)).trainer(Optimizers.sgd(1f));
    tokens = words(1);
    targets = words(2);
  }

  static NDArray words(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] w = new int[20 * 20];
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextInt(10000);
    }
    return NDArray.of(w, 20, 20);
  }

  @Benchmark
  public float trainStep() {
    return sgd.step(tokens, targets);
  }
}

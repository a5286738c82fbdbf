package dev.kiln.bench;

import dev.kiln.runtime.Backend;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import dev.kiln.samples.mlp.MnistMlpCompiled;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Workload 2: the 784-256-128-10 ReLU MLP's Adam training step at batch 100. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MlpBench {
  /** JAVA: the generated Java kernels; LLVM: the same graph JIT-compiled for this CPU. */
  @Param({"JAVA", "LLVM"})
  public String backend = "JAVA";

  MnistMlpCompiled.LossTrainer adam;
  NDArray images;
  NDArray labels;

  @Setup
  public void setUp() {
    adam = MnistMlpCompiled.create(1, Backend.valueOf(backend)).trainer(Optimizers.adam(1e-3f));
    images = Inputs.images(100, 1);
    labels = Inputs.oneHot(100, 10, 2);
  }

  @Benchmark
  public float trainStep() {
    return adam.step(images, labels);
  }
}

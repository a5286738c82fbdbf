package dev.kiln.bench;

import dev.kiln.runtime.Backend;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import dev.kiln.samples.mnist.MnistSoftmaxCompiled;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Workload 1: the seed model's training step (batch 100 and 1000) and forward pass. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MnistSoftmaxBench {
  /** JAVA: the generated Java kernels; LLVM: the same graph JIT-compiled for this CPU. */
  @Param({"JAVA", "LLVM"})
  public String backend = "JAVA";

  @Param({"100", "1000"})
  public int batch;

  MnistSoftmaxCompiled model;
  MnistSoftmaxCompiled.LossTrainer sgd;
  NDArray images;
  NDArray labels;

  @Setup
  public void setUp() {
    model = MnistSoftmaxCompiled.create(1, Backend.valueOf(backend));
    sgd = model.trainer(Optimizers.sgd(0.01f));
    images = Inputs.images(batch, 1);
    labels = Inputs.oneHot(batch, 10, 2);
  }

  @Benchmark
  public float trainStep() {
    return sgd.step(images, labels);
  }

  @Benchmark
  public NDArray forward() {
    return model.estimates(images);
  }
}

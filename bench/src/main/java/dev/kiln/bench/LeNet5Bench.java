package dev.kiln.bench;

import dev.kiln.runtime.Backend;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import dev.kiln.samples.lenet5.LeNet5Compiled;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Workload 3: LeNet-5 forward (the loss) and forward+backward+Adam at batch 64. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LeNet5Bench {
  @Param({"JAVA", "LLVM"})
  public String backend = "JAVA";

  LeNet5Compiled model;
  LeNet5Compiled.LossTrainer adam;
  NDArray images;
  NDArray labels;

  @Setup
  public void setUp() {
    model = LeNet5Compiled.create(1, Backend.valueOf(backend));
    adam = model.trainer(Optimizers.adam(1e-3f));
    images = Inputs.images(64, 1);
    labels = Inputs.oneHot(64, 10, 2);
  }

  @Benchmark
  public float forward() {
    return model.loss(images, labels);
  }

  @Benchmark
  public float trainStep() {
    return adam.step(images, labels);
  }
}

package dev.kiln.bench;

import dev.kiln.bench.models.ElementwiseChainCompiled;
import dev.kiln.bench.models.GemmCompiled;
import dev.kiln.bench.models.LayerGemmCompiled;
import dev.kiln.runtime.Backend;
import dev.kiln.runtime.NDArray;
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
 * Workloads 5 and 6: sgemm at 1024³ and 100×784×256 (GFLOP/s = 2·m·n·k / time), and a fused
 * elementwise chain over 16M floats (GB/s = 3 × 64 MiB / time). Each call also pays the facade:
 * a shape check and, on LLVM, copies in and out of native memory — counted, as a user pays them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class KernelBench {
  @Param({"JAVA", "LLVM"})
  public String backend = "JAVA";

  GemmCompiled gemm;
  LayerGemmCompiled layer;
  ElementwiseChainCompiled chain;
  NDArray a1024;
  NDArray b1024;
  NDArray x100;
  NDArray w784;
  NDArray x16m;
  NDArray y16m;

  @Setup
  public void setUp() {
    Backend b = Backend.valueOf(backend);
    gemm = GemmCompiled.create(1, b);
    layer = LayerGemmCompiled.create(1, b);
    chain = ElementwiseChainCompiled.create(1, b);
    a1024 = random(1, 1024, 1024);
    b1024 = random(2, 1024, 1024);
    x100 = random(3, 100, 784);
    w784 = random(4, 784, 256);
    x16m = random(5, 16 * 1024 * 1024);
    y16m = random(6, 16 * 1024 * 1024);
  }

  static NDArray random(long seed, int... shape) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[NDArray.sizeOf(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return NDArray.of(v, shape);
  }

  @Benchmark
  public NDArray sgemm1024() {
    return gemm.product(a1024, b1024);
  }

  @Benchmark
  public NDArray sgemm100x784x256() {
    return layer.product(x100, w784);
  }

  /** The bandwidth reference of workload 6: a plain copy of 64 MiB (128 MiB moved). */
  @Benchmark
  public float[] copy16M() {
    return x16m.floats().clone();
  }

  @Benchmark
  public NDArray fusedElementwise16M() {
    return chain.chain(x16m, y16m);
  }
}

package dev.kiln.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The OpenBLAS peer of workload 5: {@code cblas_sgemm} of Debian's libopenblas (package
 * libopenblas0-pthread) called through FFM on native buffers, at the same shapes as
 * {@link KernelBench}, with {@code -Dkiln.threads} OpenBLAS threads. No dependency is added: the
 * library is the one Debian's PyTorch uses; bench/run.sh sets {@code OPENBLAS_CORETYPE=SkylakeX}
 * for it (see docs/benchmarks.md). Unlike Kiln's facade calls, nothing is copied per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OpenBlasBench {
  static final Path LIBRARY = Path.of("/usr/lib/x86_64-linux-gnu/libopenblas.so.0");
  private static final int ROW_MAJOR = 101;
  private static final int NO_TRANS = 111;

  Arena arena;
  MethodHandle sgemm;
  MemorySegment a1024, b1024, c1024, x100, w784, y100;

  @Setup
  public void setUp() throws Throwable {
    if (!Files.exists(LIBRARY)) {
      throw new IllegalStateException("the OpenBLAS peer needs " + LIBRARY
          + " (apt-get install libopenblas0-pthread)");
    }
    arena = Arena.ofShared();
    SymbolLookup blas = SymbolLookup.libraryLookup(LIBRARY, arena);
    Linker linker = Linker.nativeLinker();
    sgemm = linker.downcallHandle(blas.findOrThrow("cblas_sgemm"), FunctionDescriptor.ofVoid(
        JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT,
        ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT));
    MethodHandle threads = linker.downcallHandle(blas.findOrThrow("openblas_set_num_threads"),
        FunctionDescriptor.ofVoid(JAVA_INT));
    threads.invokeExact((int) Integer.getInteger("kiln.threads", 1));
    a1024 = random(1, 1024 * 1024);
    b1024 = random(2, 1024 * 1024);
    c1024 = arena.allocate(4L * 1024 * 1024, 64);
    x100 = random(3, 100 * 784);
    w784 = random(4, 784 * 256);
    y100 = arena.allocate(4L * 100 * 256, 64);
  }

  @TearDown
  public void tearDown() {
    arena.close();
  }

  private MemorySegment random(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    MemorySegment s = arena.allocate(4L * n, 64);
    for (int i = 0; i < n; i++) {
      s.setAtIndex(JAVA_FLOAT, i, (float) (r.nextDouble() * 2 - 1));
    }
    return s;
  }

  private MemorySegment gemm(int m, int n, int k, MemorySegment a, MemorySegment b, MemorySegment c)
      throws Throwable {
    sgemm.invokeExact(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, 1f, a, k, b, n, 0f, c, n);
    return c;
  }

  @Benchmark
  public MemorySegment sgemm1024() throws Throwable {
    return gemm(1024, 1024, 1024, a1024, b1024, c1024);
  }

  @Benchmark
  public MemorySegment sgemm100x784x256() throws Throwable {
    return gemm(100, 256, 784, x100, w784, y100);
  }
}

package dev.kiln.runtime.llvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dsl.DType;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.nativecode.ParallelFor;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ParallelForTest {
  private static float[] runTanh(int threads, float[] x) {
    LlvmJit jit = new LlvmJit(LlvmJit.Options.defaults().withoutCache().withThreads(threads));
    try (JitModule m = jit.compile("par_tanh", TestKernels.PARALLEL_TANH)) {
      NDArray out = NDArray.zeros(DType.F32, x.length); // a skipped chunk would read back as zeros
      m.entry("par_tanh").call(new NDArray[] {NDArray.of(x, x.length)}, new NDArray[0], new NDArray[] {out}, x.length);
      return out.floats();
    }
  }

  @Test
  void oneAndTwoThreadsGiveIdenticalResults() {
    int n = 100_003;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) Math.sin(i * 0.001) * 4;
    }
    float[] one = runTanh(1, x);
    float[] two = runTanh(2, x);
    assertArrayEquals(one, two);
    for (int i = 0; i < n; i += 997) {
      assertEquals(Math.tanh(x[i]) * 3 + x[i], one[i], 1e-5, "element " + i);
    }
  }

  // A Java body for run(), to see the chunks directly.
  private static final List<long[]> CHUNKS = Collections.synchronizedList(new ArrayList<>());
  private static final Set<Thread> THREADS = Collections.synchronizedSet(new HashSet<>());

  static void record(MemorySegment ctx, long begin, long end) {
    CHUNKS.add(new long[] {begin, end});
    THREADS.add(Thread.currentThread());
  }

  @Test
  void chunksCoverTheRangeOnceAcrossThePool() throws Throwable {
    MemorySegment body = Linker.nativeLinker().upcallStub(
        MethodHandles.lookup().findStatic(ParallelForTest.class, "record",
            MethodType.methodType(void.class, MemorySegment.class, long.class, long.class)),
        ParallelFor.BODY, Arena.global());
    for (int threads : new int[] {1, 2, 3}) {
      for (long n : new long[] {0, 1, 2, 5, 1001}) {
        CHUNKS.clear();
        THREADS.clear();
        ParallelFor.shared(threads).run(body, MemorySegment.NULL, n);
        long covered = 0;
        List<long[]> sorted = new ArrayList<>(CHUNKS);
        sorted.sort((a, b) -> Long.compare(a[0], b[0]));
        for (long[] c : sorted) {
          assertEquals(covered, c[0], "chunks are contiguous, threads=" + threads + " n=" + n);
          covered = c[1];
        }
        assertEquals(n, covered);
        assertEquals(Math.min(threads, n), sorted.size());
        // The caller runs the first chunk itself, so more than one chunk means more than one thread.
        assertTrue(THREADS.size() <= threads && (sorted.size() < 2 || THREADS.size() >= 2),
            THREADS.size() + " threads for " + sorted.size() + " chunks");
      }
    }
  }

  @Test
  void poolNeedsAThread() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParallelFor.shared(0));
    assertTrue(e.getMessage().contains("at least 1 thread"));
    assertEquals(ParallelFor.shared(2), ParallelFor.shared(2));
  }
}

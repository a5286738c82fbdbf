package dev.kiln.runtime.nativecode;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The thread pool behind {@code void @kiln_parallel_for(ptr %fn, ptr %ctx, i64 %n)}, which generated
 * kernels call to run {@code void fn(ptr ctx, i64 begin, i64 end)} over {@code [0, n)}.
 *
 * <p>Why an FFM upcall rather than pthreads in JIT'd IR: the pool, its sizing and its failure
 * handling stay in plain, testable Java, and the native side is one absolute symbol. Each call
 * costs one upcall plus one downcall per chunk (~100 ns in all), negligible against a kernel worth
 * splitting. {@code [0, n)} is cut into at most {@code threads} contiguous equal chunks; the calling
 * thread runs the first itself and {@code threads - 1} pool threads the rest, so a pool never has
 * more runnable threads than cores. A {@code kiln_parallel_for} reached from inside another (from a
 * pool thread or a running chunk) runs serially on the spot: no nested oversubscription, no
 * deadlock. Which thread runs which chunk never changes a result as long as chunks write disjoint
 * outputs, which is the contract the emitter must keep.
 */
public final class ParallelFor {
  /** The C signature of {@code kiln_parallel_for}. */
  public static final FunctionDescriptor SIGNATURE = FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG);
  /** The C signature of the body {@code fn(ctx, begin, end)}. */
  public static final FunctionDescriptor BODY = FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG);
  /** The symbol name generated IR declares. */
  public static final String SYMBOL = "kiln_parallel_for";

  private static final Map<Integer, ParallelFor> SHARED = new ConcurrentHashMap<>();
  private static final MethodHandle BODY_CALL = Linker.nativeLinker().downcallHandle(BODY);
  private static final MethodHandle UPCALL;
  /** Set while this thread runs a chunk, so a nested parallel-for runs serially. */
  private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);
  /** A failure inside an upcall on this thread, rethrown by {@link NativeEntry} after the call. */
  private static final ThreadLocal<Throwable> FAILURE = new ThreadLocal<>();

  static {
    try {
      UPCALL = MethodHandles.lookup().findVirtual(ParallelFor.class, "upcall",
          MethodType.methodType(void.class, MemorySegment.class, MemorySegment.class, long.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int threads;
  private final ExecutorService workers; // threads - 1 daemon threads; null when threads == 1
  private final MemorySegment stub;

  private ParallelFor(int threads) {
    this.threads = threads;
    this.workers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
      Thread t = new Thread(r, "kiln-parallel-for");
      t.setDaemon(true);
      return t;
    });
    // Shared pools live for the process, so the stub may too.
    this.stub = Linker.nativeLinker().upcallStub(UPCALL.bindTo(this), SIGNATURE, Arena.global());
  }

  /** The process-wide pool of {@code threads} threads (the caller counts as one), made once. */
  public static ParallelFor shared(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("a parallel-for pool needs at least 1 thread, but was asked for " + threads);
    }
    return SHARED.computeIfAbsent(threads, ParallelFor::new);
  }

  /** One thread per core; {@code -Dkiln.threads=N} overrides. */
  public static int defaultThreads() {
    return Integer.getInteger("kiln.threads", Runtime.getRuntime().availableProcessors());
  }

  /** The pool of {@link #defaultThreads()} threads. */
  public static ParallelFor defaultPool() {
    return shared(defaultThreads());
  }

  public int threads() {
    return threads;
  }

  /** The exported pointer through which a generated module reaches its pool (null: serial). */
  public static final String IMPL = "kiln.parallel_for.impl";

  /** The exported i32 a generated module's own thread pool takes its size from (1: inline). */
  public static final String NATIVE_THREADS = "kiln.pool.threads";

  /**
   * Sizes {@code library}'s own native thread pool (pthreads inside the generated module, so its
   * parallel loops never call back into Java) to this pool's thread count. A module without
   * parallel loops has no pool and needs nothing. This Java pool itself serves code that calls
   * {@code kiln_parallel_for} or is handed {@link #stub()} through {@value #IMPL}.
   */
  public void install(NativeLibrary library) {
    try {
      library.address(NATIVE_THREADS).reinterpret(JAVA_INT.byteSize()).set(JAVA_INT, 0, threads);
      return;
    } catch (NativeCodeException e) {
      // code generated before modules had their own pool: lend it this one, as then
    }
    if (threads == 1) {
      return;
    }
    try {
      library.address(IMPL).reinterpret(ADDRESS.byteSize()).set(ADDRESS, 0, stub);
    } catch (NativeCodeException e) {
      // hand-written IR, or a model with no loop worth splitting
    }
  }

  /** The native address of this pool's {@code kiln_parallel_for}. */
  public MemorySegment stub() {
    return stub;
  }

  /** Runs {@code fn(ctx, begin, end)} over {@code [0, n)}; also what the upcall stub calls. */
  public void run(MemorySegment fn, MemorySegment ctx, long n) throws Throwable {
    if (n <= 0) {
      return;
    }
    int chunks = (int) Math.min(threads, n);
    if (chunks == 1 || INSIDE.get()) {
      body(fn, ctx, 0, n);
      return;
    }
    List<Future<?>> pending = new ArrayList<>(chunks - 1);
    for (int c = 1; c < chunks; c++) {
      long begin = n * c / chunks, end = n * (c + 1) / chunks;
      pending.add(workers.submit(() -> {
        INSIDE.set(true);
        try {
          body(fn, ctx, begin, end);
        } catch (Throwable t) {
          throw new RuntimeException(t);
        } finally {
          INSIDE.set(false);
        }
        return null;
      }));
    }
    Throwable first = null;
    INSIDE.set(true);
    try {
      body(fn, ctx, 0, n / chunks);
    } catch (Throwable t) {
      first = t;
    } finally {
      INSIDE.set(false);
    }
    for (Future<?> f : pending) { // always wait for every chunk: they all use ctx
      try {
        f.get();
      } catch (Throwable t) {
        if (first == null) {
          first = t;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static void body(MemorySegment fn, MemorySegment ctx, long begin, long end) throws Throwable {
    BODY_CALL.invokeExact(fn, ctx, begin, end);
  }

  /** The upcall target: it must never throw into native code, so a failure is parked for the caller. */
  @SuppressWarnings("unused")
  private void upcall(MemorySegment fn, MemorySegment ctx, long n) {
    try {
      run(fn, ctx, n);
    } catch (Throwable t) {
      if (FAILURE.get() == null) {
        FAILURE.set(t);
      }
    }
  }

  /** Throws (and clears) a failure parked by an upcall on this thread, if any. */
  static void rethrowFailure(String entry) {
    Throwable t = FAILURE.get();
    if (t != null) {
      FAILURE.remove();
      throw new NativeCodeException("a kiln_parallel_for inside native entry point " + entry + " failed: " + t, t);
    }
  }
}

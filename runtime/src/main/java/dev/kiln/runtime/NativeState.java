package dev.kiln.runtime;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.kiln.dsl.DType;
import dev.kiln.runtime.nativecode.NativeEntry;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * The native memory of one model instance on the LLVM backend: each variable resident in a
 * 64-byte aligned native buffer for the instance's life, one workspace for every entry point's
 * intermediates (grown when a bigger batch needs more), and per entry point the buffers feeds and
 * results pass through when they must be copied. Normally nothing is: the kernels read the
 * feeds' and write the results' Java arrays in place through one critical downcall
 * ({@code NativeCode.Entry#runDirect}); a call copies its feeds in and its results out only when
 * the entry cannot take the arrays (a Java pool lent to the module, bool arrays, more than 8).
 *
 * <p><b>Which copy is current.</b> While the instance runs natively the native variables are
 * authoritative once a call has run; the Java {@link NDArray}s of {@link ModelState} are brought
 * up to date by {@link #pull} before Java code reads them (checkpoints, summaries, a Java-side
 * optimizer, {@code variables()}), and {@link #javaWritten} records that Java code changed them
 * (restore, a Java-side update, arrays handed to the user), so the next call copies them back in
 * first. Every native call may write variables (a training step's update), so after one the Java
 * arrays count as stale.
 *
 * <p>All methods are synchronized: an instance's entry points share the workspace.
 */
public final class NativeState {
  /** Alignment of every buffer here: one AVX-512 vector, what the generated code assumes. */
  public static final long ALIGNMENT = 64;

  private final NativeCode.Module module;
  private final NDArray[] variables;
  private final MemorySegment[] resident;
  private final Map<String, Call> calls = new HashMap<>();
  private boolean nativeCurrent;
  private boolean javaCurrent = true;
  private MemorySegment workspace = MemorySegment.NULL;
  private long inPlaceCalls;

  /** The native state of {@code module}'s model over its variables, in {@code CompiledModel.params} order. */
  public NativeState(NativeCode.Module module, NDArray... variables) {
    this.module = module;
    this.variables = variables.clone();
    this.resident = new MemorySegment[variables.length];
    Arena arena = Arena.ofAuto(); // freed with this instance
    for (int i = 0; i < variables.length; i++) {
      resident[i] = arena.allocate(Math.max(1L, bytes(variables[i])), ALIGNMENT);
    }
  }

  /** Brings the Java variables up to date with the native ones, if a native call changed them. */
  public synchronized void pull() {
    if (!javaCurrent) {
      for (int i = 0; i < variables.length; i++) {
        NativeEntry.copyOut(resident[i], variables[i]);
      }
      javaCurrent = true;
    }
  }

  /**
   * Records that Java code wrote (or may write) the Java variables: the next native call copies
   * them in first. Call {@link #pull} before, unless every variable was overwritten whole.
   */
  public synchronized void javaWritten() {
    javaCurrent = true;
    nativeCurrent = false;
  }

  /** How many calls ran on the Java arrays in place, without copies (for tests). */
  public synchronized long inPlaceCalls() {
    return inPlaceCalls;
  }

  /** Whether the Java variables hold the latest values (for tests). */
  public synchronized boolean javaCurrent() {
    return javaCurrent;
  }

  /**
   * Runs entry point {@code symbol} on {@code inputs} and the resident variables, writing
   * {@code results} (the output, then for a training step each gradient; a null gradient is not
   * handed back). With an {@code optimizer} the step also updates the variables natively.
   *
   * @param sizes the run-time value of each symbolic dimension, in the entry point's order
   */
  public synchronized void call(String symbol, NDArray[] inputs, NDArray[] results, NativeOptimizer optimizer,
      long... sizes) {
    Call c = calls.get(symbol);
    if (c == null) {
      c = new Call(module.entry(symbol), inputs.length + variables.length + results.length, sizes.length);
      calls.put(symbol, c);
      for (int i = 0; i < variables.length; i++) {
        c.pointers.setAtIndex(ADDRESS, inputs.length + i, resident[i]);
      }
    }
    if (!nativeCurrent) {
      for (int i = 0; i < variables.length; i++) {
        NativeEntry.copyIn(variables[i], resident[i]);
      }
      nativeCurrent = true;
    }
    MemorySegment.copy(sizes, 0, c.sizes, JAVA_LONG, 0, sizes.length);
    long need = c.entry.workspaceBytes(c.sizes);
    if (workspace.byteSize() < need) {
      workspace = Arena.ofAuto().allocate(need, ALIGNMENT); // the old one is freed by the GC
    }
    MemorySegment record = optimizer == null ? MemorySegment.NULL : optimizer.nextStep();
    javaCurrent = false;
    if (!runInPlace(c, inputs, results, record)) {
      int slot = 0;
      for (NDArray a : inputs) {
        NativeEntry.copyIn(a, c.buffer(slot++, a));
      }
      slot += variables.length;
      for (NDArray a : results) {
        if (a == null) {
          c.pointers.setAtIndex(ADDRESS, slot++, MemorySegment.NULL);
        } else {
          c.buffer(slot++, a);
        }
      }
      c.entry.run(c.pointers, c.sizes, workspace, record);
      slot = inputs.length + variables.length;
      for (NDArray a : results) {
        if (a != null) {
          NativeEntry.copyOut(c.slots[slot], a);
        }
        slot++;
      }
    }
    if (optimizer != null) {
      optimizer.stepDone();
    }
  }

  /**
   * The zero-copy path: the feeds' and results' Java arrays go to the kernels as they are (see
   * {@code NativeCode.Entry#runDirect}); false when the entry cannot take them (a Java pool lent
   * to the module, too many arrays, bool arrays, which are not bytes in Java), and the caller
   * copies.
   */
  private boolean runInPlace(Call c, NDArray[] inputs, NDArray[] results, MemorySegment record) {
    int count = 0;
    for (NDArray a : inputs) {
      count++;
      if (a.dtype() == DType.BOOL) {
        return false;
      }
    }
    for (NDArray a : results) {
      if (a != null) {
        count++;
        if (a.dtype() == DType.BOOL) {
          return false;
        }
      }
    }
    if (count > c.slotIndex.byteSize() / JAVA_LONG.byteSize()) {
      return false;
    }
    MemorySegment[] heap = new MemorySegment[count];
    int k = 0;
    int slot = 0;
    for (NDArray a : inputs) {
      c.slotIndex.setAtIndex(JAVA_LONG, k, slot++);
      heap[k++] = heapSegment(a);
    }
    slot += variables.length;
    for (NDArray a : results) {
      if (a == null) {
        c.pointers.setAtIndex(ADDRESS, slot++, MemorySegment.NULL);
      } else {
        c.slotIndex.setAtIndex(JAVA_LONG, k, slot++);
        heap[k++] = heapSegment(a);
      }
    }
    boolean done = c.entry.runDirect(c.pointers, c.sizes, workspace, record, c.slotIndex, heap);
    if (done) {
      inPlaceCalls++;
    }
    return done;
  }

  private static MemorySegment heapSegment(NDArray a) {
    return switch (a.storage()) {
      case float[] v -> MemorySegment.ofArray(v);
      case double[] v -> MemorySegment.ofArray(v);
      case int[] v -> MemorySegment.ofArray(v);
      case long[] v -> MemorySegment.ofArray(v);
      case short[] v -> MemorySegment.ofArray(v);
      case byte[] v -> MemorySegment.ofArray(v);
      default -> throw new IllegalStateException("no native layout for " + a.dtype() + " storage");
    };
  }

  /** One entry point's pointer array, sizes and feed/result buffers, reused across calls. */
  private static final class Call {
    final NativeCode.Entry entry;
    final MemorySegment pointers;
    final MemorySegment sizes;
    final MemorySegment[] slots;
    /** Which buffer slot each array of a zero-copy call fills (at most 8: the trampoline's arity). */
    final MemorySegment slotIndex = Arena.ofAuto().allocate(JAVA_LONG, 8);

    Call(NativeCode.Entry entry, int slotCount, int sizeCount) {
      this.entry = entry;
      this.pointers = Arena.ofAuto().allocate(ADDRESS, Math.max(1, slotCount));
      this.sizes = Arena.ofAuto().allocate(JAVA_LONG, Math.max(1, sizeCount));
      this.slots = new MemorySegment[slotCount];
    }

    /** The slot's buffer, grown when {@code a} needs more, recorded in the pointer array. */
    MemorySegment buffer(int slot, NDArray a) {
      long bytes = Math.max(1L, bytes(a));
      MemorySegment s = slots[slot];
      if (s == null || s.byteSize() < bytes) {
        s = Arena.ofAuto().allocate(bytes, ALIGNMENT);
        slots[slot] = s;
      }
      pointers.setAtIndex(ADDRESS, slot, s);
      return s;
    }
  }

  private static long bytes(NDArray a) {
    return (long) a.size() * a.dtype().byteSize();
  }
}

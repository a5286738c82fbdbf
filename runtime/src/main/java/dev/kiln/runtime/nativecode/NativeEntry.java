package dev.kiln.runtime.nativecode;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.kiln.dsl.DType;
import dev.kiln.runtime.NDArray;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * One generated entry point and the calling convention every one of them uses:
 *
 * <pre>{@code void @<symbol>(ptr %buffers, ptr %sizes)}</pre>
 *
 * <ul>
 *   <li>{@code buffers} points to an array of {@code ptr}, one per tensor argument, in this order:
 *       the entry point's inputs ({@code EntryPoint.inputs} order), then every model variable
 *       ({@code CompiledModel.params} order), then the outputs (the output node, then for a TRAIN
 *       entry each gradient in param order). Each points to the tensor's dense row-major data.
 *   <li>{@code sizes} points to an array of {@code i64}: the run-time value of each symbolic
 *       dimension, in order of first appearance in the inputs' shapes (never null: at least one
 *       slot even when there are none).
 * </ul>
 *
 * Element types in memory: f32 {@code float}, f64 {@code double}, i32 {@code i32}, i64 {@code i64},
 * bool/i8/u8 {@code i8} (bool is 0 or 1), i16/f16/bf16 {@code i16} (raw bits) — see
 * {@link #llvmType}. Buffers are 64-byte aligned. Inputs are read-only to the kernel; params too,
 * except those the entry's global {@code <symbol>.writes} lists (state writes update them in
 * place, and {@link #call} copies them back into the params' arrays); it writes outputs
 * completely (they are not zeroed beforehand). An entry point that draws random numbers takes
 * one more {@code sizes} slot after the symbols: the seed of its generator for this call.
 *
 * <p>Cost of {@link #call}: each input and param is copied from its Java array into native memory
 * and each output copied back, one bulk {@code MemorySegment.copy} each (memory speed, ~60 GB/s
 * here; bool goes element by element). Native buffers are kept per argument slot and reused
 * across calls while they are big enough, so a steady-state call allocates nothing. For large
 * params this copy can dominate a small step; the zero-copy path is {@link #invoke}, which takes
 * a caller-built pointer array over memory the caller owns (e.g. params kept resident in native
 * memory, or a future NDArray backed by a {@code MemorySegment}): nothing here needs to change.
 * Heap arrays cannot be passed directly: the pointers sit inside a native array, and FFM pins
 * heap memory only for direct arguments of a {@code critical} call, which may not call back into
 * Java as {@code kiln_parallel_for} does.
 */
public final class NativeEntry implements dev.kiln.runtime.NativeCode.Entry {
  /** {@code void(ptr buffers, ptr sizes)}. */
  public static final FunctionDescriptor SIGNATURE = FunctionDescriptor.ofVoid(ADDRESS, ADDRESS);
  /** Alignment of every native buffer {@link #call} allocates: one AVX-512 vector. */
  public static final long ALIGNMENT = 64;

  private final NativeLibrary module;
  private final String symbol;
  private final MemorySegment address;
  private final MethodHandle handle;
  private final MemorySegment status; // null unless the entry gathers or scatters
  private final long[] writes; // buffer slots of the variables the entry writes in place
  private MemorySegment[] slots = new MemorySegment[0]; // reused argument buffers, guarded by this
  private MemorySegment pointers = MemorySegment.NULL;
  private MemorySegment sizeArray = MemorySegment.NULL;

  /** The entry point {@code symbol} of {@code module}, at {@code address}; libraries make one per symbol. */
  public NativeEntry(NativeLibrary module, String symbol, MemorySegment address) {
    this.module = module;
    this.symbol = symbol;
    this.address = address;
    this.handle = Linker.nativeLinker().downcallHandle(address, SIGNATURE);
    this.status = status(module, symbol);
    this.writes = writes(module, symbol);
  }

  /**
   * The buffer slots of the variables the entry writes in place, from its global
   * {@code <symbol>.writes} ({@code [n + 1 x i64]}: n, then the slots); none when it has none.
   */
  private static long[] writes(NativeLibrary module, String symbol) {
    MemorySegment g;
    try {
      g = module.address(symbol + ".writes").reinterpret(8);
    } catch (NativeCodeException e) {
      return new long[0];
    }
    long n = g.get(JAVA_LONG, 0);
    g = g.reinterpret(8 * (n + 1));
    long[] slots = new long[(int) n];
    for (int i = 0; i < n; i++) {
      slots[i] = g.getAtIndex(JAVA_LONG, i + 1);
    }
    return slots;
  }

  /**
   * The entry's status global {@code <symbol>.status} ({@code [6 x i64]}: op, then index, rows for
   * a gather or scatterAdd, nonzero, row, col, rows, cols for a sparse op), which entries with
   * such kernels define; null for the others.
   */
  private static MemorySegment status(NativeLibrary module, String symbol) {
    try {
      return module.address(symbol + ".status").reinterpret(6 * 8);
    } catch (NativeCodeException e) {
      return null;
    }
  }

  /**
   * An out-of-range gather/scatterAdd index or sparse coordinate of the last call, as the
   * reference interpreter words it. The kernels never touch memory for such an index (a zero
   * row, a skipped update or nonzero) and record the first one; the results of that call are not
   * handed out. Concurrent
   * {@link #invoke}s of one entry share the record (as they share the code), so under races the
   * report may name another call's index.
   */
  private void checkStatus() {
    if (status == null || status.get(JAVA_LONG, 0) == 0) {
      return;
    }
    long op = status.get(JAVA_LONG, 0);
    status.set(JAVA_LONG, 0, 0);
    if (op <= 2) { // a library built before the sparse ops has only these three slots
      throw new IndexOutOfBoundsException((op == 2 ? "scatterAdd" : "gather") + ": index "
          + status.getAtIndex(JAVA_LONG, 1) + " is out of range for a table of "
          + status.getAtIndex(JAVA_LONG, 2) + " rows");
    }
    String name = op == 3 ? "sparseMatmul" : op == 4 ? "sparseToDense" : "sparseGather";
    throw new IndexOutOfBoundsException(name + ": nonzero " + status.getAtIndex(JAVA_LONG, 1) + " at ("
        + status.getAtIndex(JAVA_LONG, 2) + ", " + status.getAtIndex(JAVA_LONG, 3)
        + ") is out of range for a sparse matrix of shape [" + status.getAtIndex(JAVA_LONG, 4) + ", "
        + status.getAtIndex(JAVA_LONG, 5) + "]");
  }

  public String symbol() {
    return symbol;
  }

  public MemorySegment address() {
    return address;
  }

  /** The LLVM IR type of one element of a tensor of this dtype, as the convention lays it out. */
  public static String llvmType(DType dtype) {
    return switch (dtype) {
      case F32 -> "float";
      case F64 -> "double";
      case I32 -> "i32";
      case I64 -> "i64";
      case BOOL, I8, U8 -> "i8";
      case I16, F16, BF16 -> "i16";
    };
  }

  /**
   * Copies {@code inputs} and {@code params} into native buffers, runs the entry point, and copies
   * the results into {@code outputs}, which the caller allocates with their final shapes.
   * Calls on one entry are serialised (they share the reused buffers).
   *
   * @param sizes the symbolic dimensions' run-time values, in order of first appearance
   */
  public synchronized void call(NDArray[] inputs, NDArray[] params, NDArray[] outputs, long... sizes) {
    int n = inputs.length + params.length + outputs.length;
    if (slots.length != n) {
      slots = new MemorySegment[n];
      pointers = Arena.ofAuto().allocate(ADDRESS, Math.max(1, n));
    }
    if (sizeArray.byteSize() < 8L * Math.max(1, sizes.length)) {
      sizeArray = Arena.ofAuto().allocate(JAVA_LONG, Math.max(1, sizes.length));
    }
    MemorySegment.copy(sizes, 0, sizeArray, JAVA_LONG, 0, sizes.length);
    int slot = 0;
    for (NDArray a : inputs) {
      copyIn(a, buffer(slot++, a));
    }
    for (NDArray a : params) {
      copyIn(a, buffer(slot++, a));
    }
    for (NDArray a : outputs) {
      buffer(slot++, a);
    }
    invoke(pointers, sizeArray);
    slot = inputs.length + params.length;
    for (NDArray a : outputs) {
      copyOut(slots[slot++], a);
    }
    for (long w : writes) {
      // A state write (assign) updated the variable's native copy: the model's state follows.
      copyOut(slots[(int) w], params[(int) w - inputs.length]);
    }
  }

  /** {@code void(ptr buffers, ptr sizes, ptr workspace, ptr optimizer)}: {@code <symbol>.run}. */
  public static final FunctionDescriptor RUN = FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS);
  /** {@code i64(ptr sizes)}: {@code <symbol>.workspace}. */
  public static final FunctionDescriptor WORKSPACE = FunctionDescriptor.of(JAVA_LONG, ADDRESS);

  private MethodHandle runHandle; // looked up on first use: hand-written test IR defines neither
  private MethodHandle workspaceHandle;

  private MethodHandle companion(String suffix, FunctionDescriptor signature) {
    if (module.isClosed()) {
      throw new IllegalStateException("native entry point " + symbol + " belongs to closed LLVM module '"
          + module.name() + "'");
    }
    return Linker.nativeLinker().downcallHandle(module.address(symbol + suffix), signature);
  }

  /**
   * Runs {@code <symbol>.run}: no copies and no allocation; the caller owns every buffer, the
   * resident variables and the workspace included (see {@code NativeCode.Entry#run}).
   */
  @Override
  public void run(MemorySegment buffers, MemorySegment sizes, MemorySegment workspace, MemorySegment optimizer) {
    MethodHandle h = runHandle;
    if (h == null || module.isClosed()) {
      h = runHandle = companion(".run", RUN);
    }
    try {
      h.invokeExact(buffers, sizes, workspace, optimizer);
    } catch (Throwable t) {
      throw new NativeCodeException("calling native entry point " + symbol + ".run failed: " + t, t);
    }
    ParallelFor.rethrowFailure(symbol);
    checkStatus();
  }

  /** {@code <symbol>.workspace}: the workspace bytes {@link #run} needs for these sizes. */
  @Override
  public long workspaceBytes(MemorySegment sizes) {
    MethodHandle h = workspaceHandle;
    if (h == null) {
      h = workspaceHandle = companion(".workspace", WORKSPACE);
    }
    try {
      return (long) h.invokeExact(sizes);
    } catch (Throwable t) {
      throw new NativeCodeException("calling native function " + symbol + ".workspace failed: " + t, t);
    }
  }

  /**
   * The module's {@code kiln_direct_call(run, buffers, sizes, workspace, optimizer, slots, count,
   * a0 … a7)}: stores {@code a<i>} at {@code buffers[slots[i]]} for {@code i < count}, then runs.
   */
  public static final FunctionDescriptor DIRECT = FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS,
      ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
  /** How many buffers {@link #runDirect} can take as heap arrays. */
  public static final int DIRECT_ARGS = 8;

  private MethodHandle directHandle; // null until looked up; NO_DIRECT when the module has none
  private MemorySegment runAddress;
  private MemorySegment poolSlot; // the module's parallel-for pointer; NULL when it has none
  private static final MethodHandle NO_DIRECT = java.lang.invoke.MethodHandles.constant(Object.class, null);

  /**
   * Runs {@code <symbol>.run} with the buffers {@code slots[i]} (a native i64 array) taken from
   * {@code heap[i]}, which may be segments over Java arrays: one critical downcall, so the kernels
   * read and write the arrays in place (the GC waits for the call). Possible while the module's
   * loops run on its own native pool (its {@code kiln.parallel_for.impl} null), since a critical
   * call may not call back into Java; returns false, having run nothing, when a Java pool is lent
   * to it, when the module predates {@code kiln_direct_call}, or for more than
   * {@value #DIRECT_ARGS} arrays.
   */
  @Override
  public boolean runDirect(MemorySegment buffers, MemorySegment sizes, MemorySegment workspace,
      MemorySegment optimizer, MemorySegment slots, MemorySegment[] heap) {
    if (heap.length > DIRECT_ARGS || module.isClosed()) {
      return false;
    }
    MethodHandle h = directHandle;
    if (h == null) {
      h = directHandle = lookUpDirect();
    }
    if (h == NO_DIRECT || (poolSlot != MemorySegment.NULL && !poolSlot.get(ADDRESS, 0).equals(MemorySegment.NULL))) {
      return false;
    }
    MemorySegment[] a = new MemorySegment[DIRECT_ARGS];
    java.util.Arrays.fill(a, MemorySegment.NULL);
    System.arraycopy(heap, 0, a, 0, heap.length);
    try {
      h.invokeExact(runAddress, buffers, sizes, workspace, optimizer, slots, (long) heap.length,
          a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
    } catch (Throwable t) {
      throw new NativeCodeException("calling native entry point " + symbol + ".run failed: " + t, t);
    }
    checkStatus();
    return true;
  }

  private MethodHandle lookUpDirect() {
    MemorySegment trampoline;
    try {
      trampoline = module.address("kiln_direct_call");
      runAddress = module.address(symbol + ".run");
    } catch (NativeCodeException e) {
      return NO_DIRECT;
    }
    try {
      poolSlot = module.address(ParallelFor.IMPL).reinterpret(ADDRESS.byteSize());
    } catch (NativeCodeException e) {
      poolSlot = MemorySegment.NULL; // no parallel loops: always inline
    }
    return Linker.nativeLinker().downcallHandle(trampoline, DIRECT, Linker.Option.critical(true));
  }

  /**
   * Calls the entry point on native memory the caller laid out per the convention: no copies.
   * The memory must stay valid for the call.
   */
  public void invoke(MemorySegment buffers, MemorySegment sizes) {
    if (module.isClosed()) {
      throw new IllegalStateException("native entry point " + symbol + " belongs to closed LLVM module '"
          + module.name() + "'");
    }
    try {
      handle.invokeExact(buffers, sizes);
    } catch (Throwable t) {
      throw new NativeCodeException("calling native entry point " + symbol + " failed: " + t, t);
    }
    ParallelFor.rethrowFailure(symbol);
    checkStatus();
  }

  /** The reusable native buffer of a slot, grown when {@code a} needs more, and recorded in the pointer array. */
  private MemorySegment buffer(int slot, NDArray a) {
    long bytes = Math.max(1L, (long) a.size() * a.dtype().byteSize());
    MemorySegment s = slots[slot];
    if (s == null || s.byteSize() < bytes) {
      s = Arena.ofAuto().allocate(bytes, ALIGNMENT); // freed by the GC once replaced
      slots[slot] = s;
    }
    pointers.setAtIndex(ADDRESS, slot, s);
    return s;
  }

  /** Copies {@code a}'s elements into {@code dst} in the convention's layout (bool as 0/1 bytes). */
  public static void copyIn(NDArray a, MemorySegment dst) {
    Object src = a.storage();
    int n = a.size();
    if (a.dtype() == DType.BOOL) {
      boolean[] b = (boolean[]) src;
      for (int i = 0; i < n; i++) {
        dst.set(JAVA_BYTE, i, b[i] ? (byte) 1 : 0);
      }
    } else {
      MemorySegment.copy(src, 0, dst, layout(a.dtype()), 0, n);
    }
  }

  /** Copies {@code a}'s elements back from {@code src}, laid out as {@link #copyIn} writes them. */
  public static void copyOut(MemorySegment src, NDArray a) {
    Object dst = a.storage();
    int n = a.size();
    if (a.dtype() == DType.BOOL) {
      boolean[] b = (boolean[]) dst;
      for (int i = 0; i < n; i++) {
        b[i] = src.get(JAVA_BYTE, i) != 0;
      }
    } else {
      MemorySegment.copy(src, layout(a.dtype()), 0, dst, 0, n);
    }
  }

  private static ValueLayout layout(DType dtype) {
    return switch (dtype) {
      case F32 -> JAVA_FLOAT;
      case F64 -> JAVA_DOUBLE;
      case I32 -> JAVA_INT;
      case I64 -> JAVA_LONG;
      case BOOL, I8, U8 -> JAVA_BYTE;
      case I16, F16, BF16 -> JAVA_SHORT;
    };
  }
}

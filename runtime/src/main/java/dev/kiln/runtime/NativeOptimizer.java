package dev.kiln.runtime;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A built-in optimizer as a training step's native code applies it: the optimizer record the
 * LLVM backend's entry points read (kind, hyper-parameters, Adam's bias corrections, a pointer to
 * each variable's slots; layout in codegen-cpu's {@code EntryCode}) and the slots themselves
 * (momentum's velocity, Adam's moments, RMSProp's mean square), resident in native memory for the
 * trainer's life. Steps are counted here, as the Java trainer counts them, for Adam.
 */
public final class NativeOptimizer {
  private static final long SLOTS = 64;

  private final MemorySegment record;
  private final boolean adam;
  private final double beta1;
  private final double beta2;
  private long completedSteps;

  private NativeOptimizer(Optimizers.BuiltIn o, int[] sizes) {
    long kind;
    double a = 0;
    double b = 0;
    double eps = 0;
    int slots;
    switch (o) {
      case Optimizers.Sgd s -> {
        kind = 0;
        slots = 0;
      }
      case Optimizers.Momentum m -> {
        kind = 1;
        a = m.momentum();
        slots = 1;
      }
      case Optimizers.Adam m -> {
        kind = 2;
        a = m.beta1();
        b = m.beta2();
        eps = m.eps();
        slots = 2;
      }
      case Optimizers.RmsProp r -> {
        kind = 3;
        a = r.rho();
        eps = r.eps();
        slots = 1;
      }
    }
    Arena arena = Arena.ofAuto();
    record = arena.allocate(SLOTS + 16L * sizes.length, 64);
    record.set(JAVA_LONG, 0, kind);
    record.set(JAVA_DOUBLE, 8, o.lr());
    record.set(JAVA_DOUBLE, 16, a);
    record.set(JAVA_DOUBLE, 24, b);
    record.set(JAVA_DOUBLE, 32, eps);
    record.set(JAVA_DOUBLE, 40, o.clipNorm());
    for (int i = 0; i < sizes.length; i++) {
      for (int s = 0; s < 2; s++) {
        // zeroed, as the Java trainer's slot arrays start
        MemorySegment slot = s < slots ? arena.allocate(JAVA_FLOAT, Math.max(1, sizes[i])) : MemorySegment.NULL;
        record.set(ADDRESS, SLOTS + 16L * i + 8L * s, slot);
      }
    }
    this.adam = kind == 2;
    this.beta1 = a;
    this.beta2 = b;
  }

  /**
   * The native form of {@code optimizer} for trainable variables of {@code sizes} elements (in the
   * entry point's gradient order), or null when it is not a built-in optimizer: its update then
   * runs in Java on gradients the native step hands back.
   */
  public static NativeOptimizer of(Optimizer optimizer, int... sizes) {
    return optimizer instanceof Optimizers.BuiltIn b ? new NativeOptimizer(b, sizes.clone()) : null;
  }

  /** The record for the next step (Adam's bias corrections for step {@code completedSteps + 1}). */
  MemorySegment nextStep() {
    if (adam) {
      long t = completedSteps + 1;
      record.set(JAVA_DOUBLE, 48, 1 - Math.pow((float) beta1, t));
      record.set(JAVA_DOUBLE, 56, 1 - Math.pow((float) beta2, t));
    }
    return record;
  }

  /** Counts a step whose native update ran. */
  void stepDone() {
    completedSteps++;
  }

  /** Steps taken. */
  public long completedSteps() {
    return completedSteps;
  }
}

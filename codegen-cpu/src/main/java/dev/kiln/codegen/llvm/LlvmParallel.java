package dev.kiln.codegen.llvm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Splitting a kernel's outer loop over threads.
 *
 * <p>Every split loop goes through one helper per module, {@code @kiln.parallel_for(fn, ctx, n)},
 * which runs {@code fn(ctx, begin, end)} over contiguous chunks covering {@code [0, n)} on the
 * module's own pool ({@link NativePool}; inline when it has one thread), or on a runtime pool
 * stored in {@link #IMPL} (a Java pool through an FFM upcall: tests, older modules). The emitter
 * keeps two promises: chunks write disjoint outputs, and the arithmetic producing each output
 * element does not depend on where the chunk boundaries fall, so results are bit-identical for
 * any thread count.
 */
final class LlvmParallel {
  private LlvmParallel() {}

  /**
   * An exported pointer through which the runtime may lend the module a pool of its own
   * ({@code kiln_parallel_for(fn, ctx, n)}); null, the default, keeps the module's native pool.
   */
  static final String IMPL = "kiln.parallel_for.impl";

  /** The module's one dispatcher of parallel loops: its own pool, or the one lent through {@link #IMPL}. */
  static String helper(Module module) {
    module.global(IMPL, IMPL, name -> "; a pool of the runtime's to use instead of the module's own (tests)\n@"
        + IMPL + " = global ptr null, align 8\n");
    String pool = NativePool.define(module);
    return module.global("kiln.parallel_for", "kiln.parallel_for", name ->
        "; every parallel loop of this module starts here (one place to redirect it)\n"
            + "define internal void " + name + "(ptr %fn, ptr %ctx, i64 %n) {\n"
            + "entry:\n"
            + "  %impl = load ptr, ptr @" + IMPL + ", align 8\n"
            + "  %own = icmp eq ptr %impl, null\n"
            + "  br i1 %own, label %native, label %pool\n"
            + "native:\n"
            + "  %t = load i32, ptr @kiln.pool.threads, align 4\n"
            + "  %many = icmp ugt i32 %t, 1\n"
            + "  br i1 %many, label %threads, label %here\n"
            + "threads:\n"
            + "  call void " + pool + "(ptr %fn, ptr %ctx, i64 %n, i32 %t)\n"
            + "  ret void\n"
            + "here:\n"
            + "  call void %fn(ptr %ctx, i64 0, i64 %n)\n"
            + "  ret void\n"
            + "pool:\n"
            + "  call void %impl(ptr %fn, ptr %ctx, i64 %n)\n"
            + "  ret void\n"
            + "}\n");
  }

  /** The code of one chunk: the loop over {@code [begin, end)} of the split dimension. */
  @FunctionalInterface
  interface Range {
    void emit(LlvmFunction g, String begin, String end);
  }

  /**
   * Emits into {@code f} a loop over {@code [0, n)} whose body {@code range} writes: as a separate
   * internal function taking {@code pointers} (the names {@code range} uses, mapped to their
   * values in {@code f}), the symbolic dimensions it uses, and the chunk bounds. When
   * {@code work} (an i64 value) reaches {@code threshold}, the range runs over the pool through a
   * context array of those pointers and dimensions; otherwise it is called once, directly (and
   * when both are constants the choice is made here, so small static kernels stay plain calls
   * that O3 inlines).
   */
  static void split(LlvmFunction f, String hint, Map<String, String> pointers, String n, String work,
      long threshold, Range range) {
    Module module = f.module();
    LlvmFunction g = new LlvmFunction(module);
    range.emit(g, "%range.begin", "%range.end");
    List<String> dims = new ArrayList<>(g.symbols());
    StringBuilder sig = new StringBuilder();
    for (String p : pointers.keySet()) {
      sig.append(sig.isEmpty() ? "" : ", ").append("ptr noalias ").append(p);
    }
    for (String d : dims) {
      sig.append(sig.isEmpty() ? "" : ", ").append("i64 ").append(LlvmFunction.symbolParam(d));
    }
    sig.append(sig.isEmpty() ? "" : ", ").append("i64 %range.begin, i64 %range.end");
    String rangeName = module.global(new Object(), hint + ".range",
        name -> g.build("define internal void " + name + "(" + sig + ")"));

    List<String> outerArgs = new ArrayList<>();
    for (String v : pointers.values()) {
      outerArgs.add("ptr " + v);
    }
    for (String d : dims) {
      outerArgs.add("i64 " + f.symbol(d));
    }
    boolean constant = isNumber(work) && isNumber(n);
    if (constant && Long.parseLong(work) < threshold) {
      f.emit("call void " + rangeName + "(" + String.join(", ", outerArgs) + ", i64 0, i64 " + n + ")");
      return;
    }

    // The chunk function: unpack the context (one 8-byte slot per pointer and dimension).
    int slots = pointers.size() + dims.size();
    LlvmFunction c = new LlvmFunction(module);
    List<String> chunkArgs = new ArrayList<>();
    int slot = 0;
    for (int i = 0; i < pointers.size(); i++) {
      chunkArgs.add("ptr " + c.load("ptr", c.gep("i64", "%ctx", Integer.toString(slot++))));
    }
    for (int i = 0; i < dims.size(); i++) {
      chunkArgs.add("i64 " + c.load("i64", c.gep("i64", "%ctx", Integer.toString(slot++))));
    }
    c.emit("call void " + rangeName + "(" + String.join(", ", chunkArgs) + ", i64 %begin, i64 %end)");
    String chunkName = module.global(new Object(), hint + ".chunk",
        name -> c.build("define internal void " + name + "(ptr %ctx, i64 %begin, i64 %end)"));

    String parallel = helper(module);
    String big = constant ? "true" : f.let("parallel", "icmp sge i64 " + work + ", " + threshold);
    String endBig = f.ifThen(big);
    String ctx = f.var("ctx", "[" + Math.max(1, slots) + " x i64]", "zeroinitializer");
    slot = 0;
    for (String v : pointers.values()) {
      f.store("ptr", v, f.gep("i64", ctx, Integer.toString(slot++)));
    }
    for (String d : dims) {
      f.store("i64", f.symbol(d), f.gep("i64", ctx, Integer.toString(slot++)));
    }
    f.emit("call void " + parallel + "(ptr " + chunkName + ", ptr " + ctx + ", i64 " + n + ")");
    f.endIf(endBig);
    if (!constant) {
      String endSmall = f.ifThen(f.let("serial", "xor i1 " + big + ", true"));
      f.emit("call void " + rangeName + "(" + String.join(", ", outerArgs) + ", i64 0, i64 " + n + ")");
      f.endIf(endSmall);
    }
  }

  /** {@code a * b} over i64 values, folded when both are constants (so {@link #split} can decide early). */
  static String mul(LlvmFunction f, String a, String b) {
    return isNumber(a) && isNumber(b) ? Long.toString(Long.parseLong(a) * Long.parseLong(b)) : f.madd(a, b, null);
  }

  static boolean isNumber(String v) {
    return v.matches("-?\\d+");
  }
}

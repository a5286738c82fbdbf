package dev.kiln.codegen.llvm;

/**
 * The module's exported {@code kiln_direct_call}: runs an entry point's {@code .run} with up to
 * {@value #HEAP_ARGS} of its buffer pointers passed as direct arguments.
 *
 * <pre>void @kiln_direct_call(ptr %run, ptr %buffers, ptr %sizes, ptr %workspace, ptr %optimizer,
 *                          ptr %slots, i64 %count, ptr %a0, ..., ptr %a7)</pre>
 *
 * stores {@code a<i>} into {@code buffers[slots[i]]} for {@code i < count}, then calls
 * {@code run(buffers, sizes, workspace, optimizer)}. Why: the FFM API lets a Java heap array
 * reach native code only as a direct argument of a critical downcall, never through a pointer
 * stored in memory. Passing the feeds and results this way lets the runtime hand the Java arrays
 * themselves to the kernels instead of copying them into native buffers and back on every call
 * (for a 16M-element elementwise chain the copies cost twice the kernel). A critical call must not
 * call back into Java, so the runtime uses this only while the module's loops run on its own
 * native pool ({@link NativePool}), not on a Java pool lent through {@link LlvmParallel#IMPL}.
 */
final class DirectCall {
  /** Buffer pointers passed directly; an entry with more heap arrays is copied instead. */
  static final int HEAP_ARGS = 8;
  /** The exported symbol. */
  static final String SYMBOL = "kiln_direct_call";

  private DirectCall() {}

  /** Defines the trampoline in {@code module}. */
  static void define(Module module) {
    module.global(SYMBOL, SYMBOL, name -> {
      StringBuilder s = new StringBuilder();
      s.append("; the runtime's zero-copy path: heap arrays arrive as direct arguments (see DirectCall)\n");
      s.append("define void @").append(SYMBOL)
          .append("(ptr %run, ptr %buffers, ptr %sizes, ptr %workspace, ptr %optimizer, ptr %slots, i64 %count");
      for (int i = 0; i < HEAP_ARGS; i++) {
        s.append(", ptr %a").append(i);
      }
      s.append(") {\nentry:\n  br label %check0\n");
      for (int i = 0; i < HEAP_ARGS; i++) {
        String next = i + 1 < HEAP_ARGS ? "check" + (i + 1) : "go";
        s.append("check").append(i).append(":\n")
            .append("  %more").append(i).append(" = icmp ugt i64 %count, ").append(i).append('\n')
            .append("  br i1 %more").append(i).append(", label %set").append(i).append(", label %go\n")
            .append("set").append(i).append(":\n")
            .append("  %slotAt").append(i).append(" = getelementptr inbounds i64, ptr %slots, i64 ").append(i).append('\n')
            .append("  %slot").append(i).append(" = load i64, ptr %slotAt").append(i).append(", align 8\n")
            .append("  %ptrAt").append(i).append(" = getelementptr inbounds ptr, ptr %buffers, i64 %slot").append(i)
            .append('\n')
            .append("  store ptr %a").append(i).append(", ptr %ptrAt").append(i).append(", align 8\n")
            .append("  br label %").append(next).append('\n');
      }
      s.append("go:\n  call void %run(ptr %buffers, ptr %sizes, ptr %workspace, ptr %optimizer)\n  ret void\n}\n");
      return s.toString();
    });
  }
}

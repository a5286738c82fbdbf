package dev.kiln.codegen.llvm;

import dev.kiln.codegen.kernel.Kernel;
import dev.kiln.codegen.kernel.KernelLowering;
import dev.kiln.codegen.kernel.KernelProgram;
import dev.kiln.dsl.DType;
import java.util.List;

/**
 * State writes (Assign, AssignAdd, AssignSub) on the LLVM backend: the kernel updates the
 * variable's buffer in place, and the entry point's global {@code @<symbol>.writes}
 * ({@code [n + 1 x i64]}: n, then the buffer slots of the n variables it writes) tells the caller
 * which variable buffers to copy back into the model's state after the call.
 */
final class LlvmState {
  private LlvmState() {}

  /** {@code variable[i] = value[i]} (or += / -=) over the variable's elements. */
  static String write(LlvmFunction f, Kernel.Write w, String symbol, KernelProgram program) {
    writes(f.module(), symbol, program);
    DType t = w.out().dtype();
    String op = w.node().op().name();
    f.comment("in place: %out is variable " + w.node().attrs().<String>get("variable") + "'s own buffer");
    String i = f.loop("i", f.size(w.out().size()));
    String value = f.loadElement(t, "%in0", i);
    String next = switch (op) {
      case "Assign" -> value;
      default -> LlvmTable.SCALARS.get(op.equals("AssignAdd") ? "Add" : "Sub")
          .render(f, w.node(), t, List.of(f.loadElement(t, "%out", i), value));
    };
    f.storeElement(t, "%out", i, next);
    f.endLoop();
    return LlvmEmitter.lowerFirst(op);
  }

  /** The entry's {@code @<symbol>.writes} global (defined once, on its first write kernel). */
  static String writes(Module module, String symbol, KernelProgram program) {
    List<Integer> slots = KernelLowering.writtenSlots(program);
    return module.global("writes:" + symbol, symbol + ".writes", name -> {
      StringBuilder s = new StringBuilder("; the variable buffers " + symbol
          + " writes in place (count, then slots): the caller copies them back\n");
      s.append(name).append(" = constant [").append(slots.size() + 1).append(" x i64] [i64 ").append(slots.size());
      for (int slot : slots) {
        s.append(", i64 ").append(slot);
      }
      return s.append("], align 8").toString();
    });
  }
}

package dev.kiln.codegen.llvm;

import dev.kiln.codegen.kernel.Buffer;
import dev.kiln.codegen.kernel.MemoryPlan;
import dev.kiln.codegen.kernel.Size;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parts of an entry point around its kernels: the workspace layout of its {@link MemoryPlan}
 * ({@code i64 @<symbol>.workspace(ptr %sizes)} gives its size, the entry points into it), the
 * gradients copied out to the caller, the optimizer update of a training step, and the
 * two-argument wrapper {@code @<symbol>} that allocates a workspace itself for callers that hold
 * none.
 *
 * <p>The optimizer record a training step's {@code %optimizer} points to (null: no update), all
 * fields 8 bytes: {@code i64 kind} (0 SGD, 1 momentum, 2 Adam, 3 RMSProp), then doubles
 * {@code lr}, {@code a} (momentum, Adam's beta1 or RMSProp's rho), {@code b} (Adam's beta2),
 * {@code eps}, {@code clipNorm} (+inf: no clipping), {@code c1} and {@code c2} (Adam's bias
 * corrections {@code 1 - beta^t}, computed by the caller, which counts the steps), then per
 * gradient (in result order) two slot pointers (momentum's velocity, Adam's m and v, RMSProp's
 * mean square; f32, the variable's size, zeroed by the caller before the first step). The
 * arithmetic is that of the Java trainers ({@code TrainerWriter}, {@code Optimizers}), operation
 * for operation and in the same float/double widths, so both give the same bits.
 */
final class EntryCode {
  /** Byte offset of the first slot pointer in the optimizer record. */
  static final int RECORD_SLOTS = 64;

  private EntryCode() {}

  /** Each region's address in {@code %workspace}, computed from the loaded symbols. */
  static List<String> regions(LlvmFunction f, MemoryPlan plan) {
    List<String> ptrs = new ArrayList<>();
    if (!plan.regions().isEmpty()) {
      f.comment("");
      f.comment("workspace regions (see MemoryPlan): intermediates and gradients, no allocation");
    }
    offsets(f, plan, ptrs);
    return ptrs;
  }

  /** Walks the regions' aligned sizes; returns the total, adding each region's address to {@code ptrs} when given. */
  private static String offsets(LlvmFunction f, MemoryPlan plan, List<String> ptrs) {
    long constant = 0;
    String dynamic = null;
    for (Size s : plan.regions()) {
      if (ptrs != null) {
        String off = dynamic == null ? Long.toString(constant)
            : constant == 0 ? dynamic : f.let("off", "add nuw i64 " + dynamic + ", " + constant);
        ptrs.add(f.let("ws", "getelementptr inbounds i8, ptr %workspace, i64 " + off));
      }
      if (s.isConstant()) {
        constant += MemoryPlan.aligned(s.constant());
      } else {
        String v = f.size(s);
        String a = f.let("bytes", "and i64 " + f.let("bytes", "add nuw i64 " + v + ", "
            + (MemoryPlan.ALIGNMENT - 1)) + ", " + (-MemoryPlan.ALIGNMENT));
        dynamic = dynamic == null ? a : f.let("off", "add nuw i64 " + dynamic + ", " + a);
      }
    }
    return dynamic == null ? Long.toString(constant)
        : constant == 0 ? dynamic : f.let("total", "add nuw i64 " + dynamic + ", " + constant);
  }

  /** After the kernels: gradients to the caller's buffers (those not null), then the optimizer update. */
  static void finish(LlvmFunction f, MemoryPlan plan, List<String> regions, String symbol, EntryPoint ep,
      List<Buffer> slots, boolean checksIndices) {
    List<Buffer> grads = plan.gradientSlots();
    if (grads.isEmpty()) {
      return;
    }
    Module module = f.module();
    module.declare("declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)");
    f.comment("");
    f.comment("gradients to the caller's result buffers, where given");
    List<String> gradPtrs = new ArrayList<>();
    for (Buffer g : grads) {
      String ws = regions.get(plan.region(g));
      gradPtrs.add(ws);
      String dst = f.load("ptr", f.gep("ptr", "%buffers", Integer.toString(g.slot())));
      String end = f.ifThen(f.let("given", "icmp ne ptr " + dst + ", null"));
      String bytes = f.madd(f.size(g.size()), Integer.toString(g.dtype().byteSize()), null);
      f.emit("call void @llvm.memcpy.p0.p0.i64(ptr " + dst + ", ptr " + ws + ", i64 " + bytes + ", i1 false)");
      f.endIf(end);
    }
    List<Buffer> params = trainable(ep, slots);
    if (params == null) {
      f.comment("(no native optimizer update: some trained variable is not f32)");
      return;
    }
    f.comment("");
    f.comment("optimizer update (see EntryCode): every gradient is computed before any variable changes");
    String update = f.let("update", "icmp ne ptr %optimizer, null");
    if (checksIndices) {
      // An out-of-range index fails the call (NativeEntry throws): leave the variables as they were.
      String status = f.load("i64", "@" + symbol + ".status");
      update = f.let("update", "and i1 " + update + ", " + f.let("ok", "icmp eq i64 " + status + ", 0"));
    }
    String end = f.ifThen(update);
    String kind = f.load("i64", "%optimizer");
    String lr = field(f, 8, true);
    String a = field(f, 16, true);
    String b = field(f, 24, true);
    String eps = field(f, 32, true);
    String clip = field(f, 40, false);
    String c1 = field(f, 48, false);
    String c2 = field(f, 56, false);
    String scale = f.var("scale", "float", "1.0");
    String clipEnd = f.ifThen(f.let("clipping", "fcmp one double " + clip + ", 0x7FF0000000000000"));
    String sum = "0.0";
    for (int i = 0; i < grads.size(); i++) {
      sum = f.let("sumsq", "call double @" + symbol + ".sumsq(ptr " + gradPtrs.get(i) + ", i64 "
          + grads.get(i).node().shape().numElements() + ", double " + sum + ")");
    }
    String norm = module.call(f, "double", "llvm.sqrt.f64", sum);
    String over = f.ifThen(f.let("over", "fcmp ogt double " + norm + ", " + clip));
    f.store("float", f.let("s", "fptrunc double " + f.let("q", "fdiv double " + clip + ", " + norm)
        + " to float"), scale);
    f.endIf(over);
    f.endIf(clipEnd);
    String s = f.load("float", scale);
    String[] rules = {"sgd", "momentum", "adam", "rmsprop"};
    for (int r = 0; r < rules.length; r++) {
      String ruleEnd = f.ifThen(f.let("is." + rules[r], "icmp eq i64 " + kind + ", " + r));
      for (int i = 0; i < grads.size(); i++) {
        f.comment("update " + params.get(i).node().name() + " " + params.get(i).node().type());
        String pp = f.load("ptr", f.gep("ptr", "%buffers", Integer.toString(params.get(i).slot())));
        String s1 = f.load("ptr", f.gep("i8", "%optimizer", Integer.toString(RECORD_SLOTS + 16 * i)));
        String s2 = f.load("ptr", f.gep("i8", "%optimizer", Integer.toString(RECORD_SLOTS + 16 * i + 8)));
        String n = Long.toString(params.get(i).node().shape().numElements());
        String args = switch (r) {
          case 0 -> "float " + lr;
          case 1 -> "ptr " + s1 + ", float " + lr + ", float " + a;
          case 2 -> "ptr " + s1 + ", ptr " + s2 + ", float " + lr + ", float " + a + ", float " + b
              + ", float " + eps + ", double " + c1 + ", double " + c2;
          default -> "ptr " + s1 + ", float " + lr + ", float " + a + ", float " + eps;
        };
        f.emit("call void @" + symbol + "." + rules[r] + "(ptr " + pp + ", ptr " + gradPtrs.get(i) + ", i64 "
            + n + ", float " + s + ", " + args + ")");
      }
      f.endIf(ruleEnd);
    }
    f.endIf(end);
  }

  private static String field(LlvmFunction f, int offset, boolean asFloat) {
    String d = f.load("double", f.gep("i8", "%optimizer", Integer.toString(offset)));
    return asFloat ? f.let("h", "fptrunc double " + d + " to float") : d;
  }

  /**
   * The PARAM buffer of each gradient's variable, in result order; null when one is not f32 (the
   * built-in optimizers update f32 variables only, so such a model keeps its update in Java).
   */
  static List<Buffer> trainable(EntryPoint ep, List<Buffer> slots) {
    List<Buffer> r = new ArrayList<>();
    for (Node v : ep.gradients().keySet()) {
      Buffer found = null;
      for (Buffer b : slots) {
        if (b.kind() == Buffer.Kind.PARAM && b.node().id() == v.id()) {
          found = b;
        }
      }
      if (found == null) {
        throw new IllegalStateException("entry point " + ep.name() + ": gradient of " + v.name()
            + ", which is not among the model's variables");
      }
      if (found.dtype() != DType.F32) {
        return null;
      }
      r.add(found);
    }
    return r;
  }

  /** The workspace-size function, the two-argument wrapper and the update helpers. */
  static String companions(Module module, MemoryPlan plan, List<String> symbols, String symbol,
      boolean updates) {
    StringBuilder out = new StringBuilder();
    LlvmFunction w = new LlvmFunction(module);
    for (int i = 0; i < symbols.size(); i++) {
      w.emit(LlvmFunction.symbolParam(symbols.get(i)) + " = load i64, ptr "
          + w.gep("i64", "%sizes", Integer.toString(i)));
    }
    String total = offsets(w, plan, null);
    out.append("\n; Bytes of workspace @").append(symbol).append(".run needs for these sizes.\n")
        .append(w.build("define i64 @" + symbol + ".workspace(ptr noalias %sizes)", "ret i64 " + total));

    module.declare("declare noalias ptr @aligned_alloc(i64, i64)");
    module.declare("declare void @free(ptr)");
    out.append("\n; For callers holding no workspace: allocates one for this call, runs, frees it.\n")
        .append("define void @").append(symbol).append("(ptr noalias %buffers, ptr noalias %sizes) {\n")
        .append("entry:\n")
        .append("  %bytes = call i64 @").append(symbol).append(".workspace(ptr %sizes)\n")
        .append("  %small = icmp ult i64 %bytes, ").append(MemoryPlan.ALIGNMENT).append('\n')
        .append("  %size = select i1 %small, i64 ").append(MemoryPlan.ALIGNMENT).append(", i64 %bytes\n")
        .append("  %ws = call ptr @aligned_alloc(i64 ").append(MemoryPlan.ALIGNMENT).append(", i64 %size)\n")
        .append("  call void @").append(symbol).append(".run(ptr %buffers, ptr %sizes, ptr %ws, ptr null)\n")
        .append("  call void @free(ptr %ws)\n")
        .append("  ret void\n}\n");
    if (updates) {
      out.append(OptimizerCode.functions(module, symbol));
    }
    return out.toString();
  }
}

package dev.kiln.codegen.java;

import dev.kiln.compiler.ir.Node;
import java.util.List;

/**
 * Kernels of the state-writing ops (Assign, AssignAdd, AssignSub). The entry point hands them the
 * variable's own array as input 0 (not the snapshot other reads of the variable see), so the write
 * lands in the model instance's state; the result aliases that array, and is copied if returned.
 */
final class StateKernels {
  private StateKernels() {}

  static KernelTable.Emitter write(String operator) {
    return (ctx, node, inputs, out) -> {
      KernelMethod k = ctx.kernel();
      String target = k.input(node.input(0), inputs.get(0));
      String value = k.input(node.input(1), inputs.get(1));
      k.code.add("// in place: this is the variable's own storage\n");
      k.code.beginControlFlow("for (int i = 0; i < $L.length; i++)", target);
      k.code.addStatement("$L[i] $L $L[i]", target, operator, value);
      k.code.endControlFlow();
      k.code.addStatement("return $L", target);
      ctx.call(k, EntryWriter.lowerFirst(node.op().name()), node, out,
          "%s: variable %s %s %s %s, in place".formatted(node.op().name(),
              node.attrs().<String>get("variable"), operator, node.input(1).name(), node.type()));
    };
  }

  /** Whether {@code n} is a write whose input 0 must be the variable's live array. */
  static boolean isWrite(Node n) {
    return n.op().name().startsWith("Assign") && n.attrs().has("variable");
  }

  /** The names of the variables {@code schedule} writes. */
  static java.util.Set<String> writtenVariables(List<Node> schedule) {
    java.util.Set<String> written = new java.util.HashSet<>();
    for (Node n : schedule) {
      if (isWrite(n)) {
        written.add(n.attrs().get("variable"));
      }
    }
    return written;
  }
}

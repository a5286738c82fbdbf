package dev.kiln.codegen.kernel;

import dev.kiln.compiler.model.EntryPoint;
import java.util.List;

/**
 * An entry point lowered to kernels, ready for a renderer.
 *
 * @param entry the entry point
 * @param slots the caller's buffers in calling-convention order: the entry point's inputs, every
 *     model variable, then the results (the output, then each gradient)
 * @param symbols the symbolic dimensions in order of first appearance in the inputs' shapes: the
 *     caller passes their run-time values in this order
 * @param steps the kernels in schedule order, then the copies of results that need one
 * @param temps the intermediates the entry point allocates (and frees at the end)
 * @param constants the constant arrays the kernels read
 */
public record KernelProgram(
    EntryPoint entry,
    List<Buffer> slots,
    List<String> symbols,
    List<Kernel> steps,
    List<Buffer> temps,
    List<Buffer> constants) {

  public KernelProgram {
    slots = List.copyOf(slots);
    symbols = List.copyOf(symbols);
    steps = List.copyOf(steps);
    temps = List.copyOf(temps);
    constants = List.copyOf(constants);
  }
}

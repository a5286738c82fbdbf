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
 *     caller passes their run-time values in this order; when the entry point draws random
 *     numbers, {@link #SEED} follows them and the caller passes a fresh seed there
 * @param steps the kernels in schedule order, then the copies of results that need one (control
 *     flow nests more steps in its kernels: see {@link #allSteps()})
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

  /**
   * The pseudo-symbol after the real ones in {@link #symbols} of an entry point that draws random
   * numbers: the caller passes one fresh seed per call in its {@code sizes} slot, and the entry
   * point draws as {@code new java.util.SplittableRandom(seed)} would (in schedule order).
   */
  public static final String SEED = "kiln:seed";

  /** Every kernel, those nested in control flow included, depth first in emission order. */
  public List<Kernel> allSteps() {
    List<Kernel> out = new java.util.ArrayList<>();
    flatten(steps, out);
    return out;
  }

  private static void flatten(List<Kernel> ks, List<Kernel> out) {
    for (Kernel k : ks) {
      out.add(k);
      for (List<Kernel> n : k.nested()) {
        flatten(n, out);
      }
    }
  }

  /** Whether the entry point draws random numbers (its last size is then the seed). */
  public boolean seeded() {
    return !symbols.isEmpty() && symbols.getLast().equals(SEED);
  }

  public KernelProgram {
    slots = List.copyOf(slots);
    symbols = List.copyOf(symbols);
    steps = List.copyOf(steps);
    temps = List.copyOf(temps);
    constants = List.copyOf(constants);
  }
}

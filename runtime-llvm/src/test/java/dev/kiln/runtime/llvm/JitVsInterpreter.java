package dev.kiln.runtime.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.codegen.kernel.Buffer;
import dev.kiln.codegen.kernel.KernelLowering;
import dev.kiln.codegen.kernel.KernelProgram;
import dev.kiln.codegen.llvm.LlvmBackend;
import dev.kiln.codegen.llvm.LlvmGenerator;
import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.nativecode.NativeEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs a model's LLVM code, JIT-compiled, and the reference interpreter on the same feeds and
 * variables, and compares every entry point's results element by element. Shared by the tests
 * that check whole models and single ops; each picks its own inputs and tolerance.
 */
final class JitVsInterpreter {
  private JitVsInterpreter() {}

  /** How far a kernel's element may be from the interpreter's. */
  @FunctionalInterface
  interface Tolerance {
    /**
     * @param want the interpreter's element
     * @param scale the largest magnitude among the result's elements, at least 1
     */
    double allowed(double want, double scale);
  }

  /** Compiles {@code model} with {@code jit} and compares each entry point at {@code batch}. */
  static void compare(LlvmJit jit, CompiledModel model, int batch, Map<String, Value> feeds,
      Map<String, Value> variables, Tolerance tolerance) {
    String ir = LlvmBackend.generate(model).getFirst().content();
    try (JitModule module = jit.compile(model.simpleName(), ir)) {
      compare(module::entry, model, batch, feeds, variables, tolerance);
    }
  }

  /**
   * Compares each entry point of {@code model} at {@code batch}, calling the native code through
   * {@code entries} (a JIT module's or an ahead-of-time library's, by symbol).
   */
  static void compare(Function<String, NativeEntry> entries, CompiledModel model, int batch,
      Map<String, Value> feeds, Map<String, Value> variables, Tolerance tolerance) {
    for (EntryPoint ep : model.entryPoints()) {
      KernelProgram p = LlvmBackend.lower(model, ep);
      List<Node> results = KernelLowering.results(ep);
      // A drawing entry point gets a seed; the interpreter draws from the same generator, and
      // trains (dropout draws) where the entry point is a training step.
      long seed = 1234 + ep.name().hashCode();
      Interpreter interpreter = new Interpreter(feeds, variables, new LlvmGenerator(seed))
          .training(ep.kind() == EntryPoint.Kind.TRAIN);
      Map<Node, Value> ref = interpreter.run(results);
      List<NDArray> inputs = new ArrayList<>();
      List<NDArray> params = new ArrayList<>();
      List<NDArray> outputs = new ArrayList<>();
      for (Buffer b : p.slots()) {
        switch (b.kind()) {
          case INPUT -> inputs.add(ndarray(feeds.get(b.node().attrs().<String>get("name"))));
          case PARAM -> params.add(ndarray(variables.get(b.node().attrs().<String>get("name"))));
          default -> outputs.add(NDArray.zeros(b.dtype(), shape(b.node(), batch)));
        }
      }
      long[] sizes = new long[p.symbols().size()];
      Arrays.fill(sizes, batch); // "batch" is the test models' one symbol
      if (p.seeded()) {
        sizes[sizes.length - 1] = seed;
      }
      entries.apply(LlvmBackend.symbol(model, ep)).call(inputs.toArray(NDArray[]::new),
          params.toArray(NDArray[]::new), outputs.toArray(NDArray[]::new), sizes);
      assertEquals(results.size(), outputs.size(), "result slots of " + ep.name());
      // Variables the entry point writes are compared after the results, as more results.
      List<Value> wants = new ArrayList<>();
      List<NDArray> gots = new ArrayList<>(outputs);
      List<String> names = new ArrayList<>();
      for (Node r : results) {
        wants.add(ref.get(r));
        names.add(r.name());
      }
      for (int slot : KernelLowering.writtenSlots(p)) {
        String name = p.slots().get(slot).node().attrs().get("name");
        wants.add(interpreter.variables().get(name));
        gots.add(params.get(slot - inputs.size()));
        names.add("variable " + name);
      }
      for (int r = 0; r < wants.size(); r++) {
        Value want = wants.get(r);
        NDArray got = gots.get(r);
        assertEquals(want.size(), got.size(), "size of result " + r);
        double scale = 1;
        for (int i = 0; i < want.size(); i++) {
          scale = Math.max(scale, Math.abs(want.get(i)));
        }
        for (int i = 0; i < want.size(); i++) {
          double w = want.get(i);
          double g = got.elementAsDouble(i);
          if (!(Math.abs(g - w) <= tolerance.allowed(w, scale))) {
            throw new AssertionError(model.simpleName() + " batch " + batch + ", entry "
                + LlvmBackend.symbol(model, ep) + ", result " + r + " (" + names.get(r)
                + ") element " + i + " is " + g + ", the interpreter says " + w);
          }
        }
      }
    }
  }

  /** {@code n}'s shape with its symbolic dimension ("batch") set to {@code batch}. */
  static int[] shape(Node n, int batch) {
    return n.shape().dims().stream().mapToInt(d -> d.isStatic() ? (int) d.size() : batch).toArray();
  }

  static NDArray ndarray(Value v) {
    int n = v.size();
    return switch (v.dtype()) {
      case F32 -> {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
          a[i] = (float) v.get(i);
        }
        yield NDArray.of(a, v.shape());
      }
      case F64 -> NDArray.of(v.data().clone(), v.shape());
      case I64 -> {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
          a[i] = (long) v.get(i);
        }
        yield NDArray.of(a, v.shape());
      }
      case I32 -> {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
          a[i] = (int) v.get(i);
        }
        yield NDArray.of(a, v.shape());
      }
      default -> throw new IllegalArgumentException("no test conversion for " + v.dtype());
    };
  }
}

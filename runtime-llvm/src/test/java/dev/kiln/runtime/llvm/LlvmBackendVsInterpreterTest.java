package dev.kiln.runtime.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.kernel.Buffer;
import dev.kiln.codegen.kernel.KernelLowering;
import dev.kiln.codegen.kernel.KernelProgram;
import dev.kiln.codegen.llvm.LlvmBackend;
import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.runtime.NDArray;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The LLVM backend end to end on LLVM 20: each model's IR ({@code LlvmBackend}) is JIT-compiled at
 * O3 for this CPU ({@code LlvmJit}) and every entry point's output and gradients are compared with
 * the reference interpreter on random inputs, at a batch of 3 or 5 (below one 64-row block) and at
 * 70 or 67 (a block and a ragged tail).
 */
class LlvmBackendVsInterpreterTest {
  private static final LlvmJit JIT = new LlvmJit(LlvmJit.Options.defaults().withoutCache());

  @Test
  void softmaxRegressionMatchesTheInterpreter() {
    check(TestModels.softmaxRegression(), 3);
    check(TestModels.softmaxRegression(), 70);
  }

  @Test
  void mlpMatchesTheInterpreter() {
    check(TestModels.mlp(), 5);
    check(TestModels.mlp(), 67);
  }

  /**
   * O3 must vectorise the kernels' loops: the assembly holds packed single-precision arithmetic
   * (SSE2's xmm at least; ymm/zmm where the CPU has AVX/AVX-512). Reported on stdout, asserted
   * only for packed code, which every x86-64 CPU has.
   */
  @Test
  void o3VectorisesTheKernelLoops() {
    String ir = LlvmBackend.generate(TestModels.mlp()).getFirst().content();
    String asm = JIT.assembly("MlpLike", ir);
    int packed = count(asm, "\\tv?(?:add|mul|fmadd\\w*|max|sub|div)ps\\t");
    int zmm = count(asm, "%zmm\\d+");
    int ymm = count(asm, "%ymm\\d+");
    int xmm = count(asm, "%xmm\\d+");
    System.out.println("LLVM O3 on " + LlvmNatives.host().cpu() + ": " + packed
        + " packed f32 instructions; register uses zmm " + zmm + ", ymm " + ymm + ", xmm " + xmm);
    if (LlvmNatives.host().triple().startsWith("x86_64")) {
      assertTrue(packed > 0, "no packed f32 arithmetic in the O3 assembly of the MLP");
    }
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static void check(CompiledModel model, int batch) {
    SplittableRandom rng = new SplittableRandom(batch);
    Map<String, Value> feeds = new HashMap<>();
    Map<String, Value> variables = new HashMap<>();
    for (Node in : model.inputs()) {
      feeds.put(in.attrs().get("name"), random(in, batch, rng, in.attrs().<String>get("name").equals("labels")));
    }
    for (Node p : model.params()) {
      variables.put(p.attrs().get("name"), random(p, batch, rng, false));
    }
    String ir = LlvmBackend.generate(model).getFirst().content();
    try (JitModule module = JIT.compile(model.simpleName(), ir)) {
      for (EntryPoint ep : model.entryPoints()) {
        KernelProgram p = LlvmBackend.lower(model, ep);
        List<Node> results = KernelLowering.results(ep);
        Map<Node, Value> ref = new Interpreter(feeds, variables).run(results);
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
        java.util.Arrays.fill(sizes, batch); // "batch" is the models' one symbol
        module.entry(LlvmBackend.symbol(model, ep)).call(inputs.toArray(NDArray[]::new),
            params.toArray(NDArray[]::new), outputs.toArray(NDArray[]::new), sizes);
        assertEquals(results.size(), outputs.size(), "result slots of " + ep.name());
        for (int r = 0; r < results.size(); r++) {
          Value want = ref.get(results.get(r));
          NDArray got = outputs.get(r);
          assertEquals(want.size(), got.size(), "size of result " + r);
          for (int i = 0; i < want.size(); i++) {
            double w = want.get(i);
            double g = got.elementAsDouble(i);
            if (!(Math.abs(g - w) <= 1e-4 * Math.max(1, Math.abs(w)))) {
              throw new AssertionError(model.simpleName() + " batch " + batch + ", entry "
                  + LlvmBackend.symbol(model, ep) + ", result " + r + " (" + results.get(r).name()
                  + ") element " + i + " is " + g + ", the interpreter says " + w);
            }
          }
        }
      }
    }
  }

  private static int[] shape(Node n, int batch) {
    return n.shape().dims().stream().mapToInt(d -> d.isStatic() ? (int) d.size() : batch).toArray();
  }

  private static NDArray ndarray(Value v) {
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

  private static Value random(Node n, int batch, SplittableRandom rng, boolean oneHot) {
    int[] shape = shape(n, batch);
    double[] data = new double[Value.sizeOf(shape)];
    if (oneHot) {
      int classes = shape[shape.length - 1];
      for (int r = 0; r < data.length / classes; r++) {
        data[r * classes + rng.nextInt(classes)] = 1;
      }
    } else {
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) rng.nextGaussian();
      }
    }
    return new Value(n.type().dtype(), shape, data);
  }
}

package dev.kiln.runtime.llvm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.llvm.LlvmBackend;
import dev.kiln.codegen.llvm.Models;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.model.CompiledModel;
import java.util.HashMap;
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
    check(Models.softmaxRegression(), 3);
    check(Models.softmaxRegression(), 70);
  }

  @Test
  void mlpMatchesTheInterpreter() {
    check(Models.mlp(), 5);
    check(Models.mlp(), 67);
  }

  /**
   * O3 must vectorise the kernels' loops: the assembly holds packed single-precision arithmetic
   * (SSE2's xmm at least; ymm/zmm where the CPU has AVX/AVX-512). Reported on stdout, asserted
   * only for packed code, which every x86-64 CPU has.
   */
  @Test
  void o3VectorisesTheKernelLoops() {
    String ir = LlvmBackend.generate(Models.mlp()).getFirst().content();
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
    JitVsInterpreter.compare(JIT, model, batch, feeds, variables,
        (w, scale) -> 1e-4 * Math.max(1, Math.abs(w)));
  }

  private static Value random(Node n, int batch, SplittableRandom rng, boolean oneHot) {
    int[] shape = JitVsInterpreter.shape(n, batch);
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

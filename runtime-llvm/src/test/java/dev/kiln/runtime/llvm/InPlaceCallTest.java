package dev.kiln.runtime.llvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.kernel.Buffer;
import dev.kiln.codegen.kernel.KernelProgram;
import dev.kiln.codegen.llvm.LlvmBackend;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.compiler.passes.KilnCompiler;
import dev.kiln.dsl.DType;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.NativeState;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The zero-copy path ({@code NativeState} → {@code NativeEntry.runDirect} →
 * {@code kiln_direct_call}): on 1 thread and on the module's own 2-thread pool the kernels read
 * the feeds' and write the results' Java arrays in place, with exactly the results of the
 * copying path ({@code NativeEntry.call}; the emitter's results do not depend on the split).
 */
class InPlaceCallTest {
  private static final CompiledModel MODEL = model();

  @Test
  void inPlaceCallsOnOneAndTwoThreadsGiveTheCopyingPathsResultsBitForBit() {
    try (JitModule one = jit(1).compile("InPlace1", ir()); JitModule two = jit(2).compile("InPlace2", ir())) {
      for (int batch : new int[] {1, 7, 400}) { // 400 × 300 elements: the map splits on 2 threads
        Run serial = run(one, batch, true);
        Run pooled = run(two, batch, true);
        Run copied = run(two, batch, false);
        assertEquals(MODEL.entryPoints().size(), serial.state.inPlaceCalls(), "batch " + batch);
        assertEquals(MODEL.entryPoints().size(), pooled.state.inPlaceCalls(), "batch " + batch);
        for (int i = 0; i < copied.results.size(); i++) {
          assertArrayEquals(copied.results.get(i).floats(), serial.results.get(i).floats(),
              "result " + i + " at batch " + batch + ", 1 thread");
          assertArrayEquals(copied.results.get(i).floats(), pooled.results.get(i).floats(),
              "result " + i + " at batch " + batch + ", 2 threads");
        }
        assertTrue(serial.results.stream().anyMatch(r -> nonZero(r.floats())), "all-zero results prove nothing");
      }
    }
  }

  private record Run(NativeState state, List<NDArray> results) {}

  /** Every entry point at {@code batch}; through {@code NativeState} (in place) or {@code NativeEntry.call} (copying). */
  private static Run run(JitModule module, int batch, boolean inPlace) {
    SplittableRandom rng = new SplittableRandom(batch);
    NDArray w = random(rng, 300, 64);
    NativeState state = new NativeState(module::entry, w);
    NDArray x = random(rng, batch, 300);
    List<NDArray> all = new ArrayList<>();
    for (EntryPoint ep : MODEL.entryPoints()) {
      KernelProgram p = LlvmBackend.lower(MODEL, ep);
      List<NDArray> results = new ArrayList<>();
      for (Buffer b : p.slots()) {
        if (b.kind() != Buffer.Kind.INPUT && b.kind() != Buffer.Kind.PARAM) {
          results.add(NDArray.zeros(b.dtype(), JitVsInterpreter.shape(b.node(), batch)));
        }
      }
      if (inPlace) {
        state.call(LlvmBackend.symbol(MODEL, ep), new NDArray[] {x}, results.toArray(NDArray[]::new), null, batch);
      } else {
        module.entry(LlvmBackend.symbol(MODEL, ep)).call(new NDArray[] {x}, new NDArray[] {w},
            results.toArray(NDArray[]::new), batch);
      }
      all.addAll(results);
    }
    return new Run(state, all);
  }

  private static CompiledModel model() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(Dim.symbol("batch"), Dim.of(300)));
    Node w = Emit.variable(b, "w", DType.F32, Shape.of(300, 64), "zeros");
    Node h = Emit.relu(b, Emit.matmul(b, x, w, false, false));
    Node loss = Emit.reduceSum(b, Emit.square(b, h), false);
    return KilnCompiler.compile(new ModelSpec("test.inplace", "InPlace", b.graph(), List.of(x), List.of(w),
        List.of(new ModelSpec.Named("hidden", h), new ModelSpec.Named("exps", Emit.exp(b, x))),
        List.of(new ModelSpec.Named("loss", loss))));
  }

  private static String ir() {
    return LlvmBackend.generate(MODEL).get(0).content();
  }

  private static LlvmJit jit(int threads) {
    return new LlvmJit(LlvmJit.Options.defaults().withoutCache().withThreads(threads));
  }

  private static NDArray random(SplittableRandom rng, int... shape) {
    float[] v = new float[NDArray.sizeOf(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rng.nextGaussian() * 0.1f;
    }
    return NDArray.of(v, shape);
  }

  private static boolean nonZero(float[] v) {
    for (float f : v) {
      if (f != 0) {
        return true;
      }
    }
    return false;
  }
}

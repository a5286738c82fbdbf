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
 * {@code kiln_direct_call}): on a 1-thread pool the kernels read the feeds' and write the
 * results' Java arrays in place, with exactly the results of the copying path a 2-thread pool
 * takes (its loops split over the pool; the emitter's results do not depend on the split).
 */
class InPlaceCallTest {
  private static final CompiledModel MODEL = model();

  @Test
  void inPlaceCallsGiveTheCopyingPathsResultsBitForBit() {
    try (JitModule one = jit(1).compile("InPlace1", ir()); JitModule two = jit(2).compile("InPlace2", ir())) {
      for (int batch : new int[] {1, 7, 400}) { // 400 × 300 elements: the map splits on 2 threads
        Run inPlace = run(one, batch);
        Run copied = run(two, batch);
        assertEquals(MODEL.entryPoints().size(), inPlace.state.inPlaceCalls(), "batch " + batch);
        assertEquals(0, copied.state.inPlaceCalls(), "batch " + batch);
        for (int i = 0; i < inPlace.results.size(); i++) {
          assertArrayEquals(copied.results.get(i).floats(), inPlace.results.get(i).floats(),
              "result " + i + " at batch " + batch);
        }
        assertTrue(inPlace.results.stream().anyMatch(r -> nonZero(r.floats())), "all-zero results prove nothing");
      }
    }
  }

  private record Run(NativeState state, List<NDArray> results) {}

  private static Run run(JitModule module, int batch) {
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
      state.call(LlvmBackend.symbol(MODEL, ep), new NDArray[] {x}, results.toArray(NDArray[]::new), null, batch);
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

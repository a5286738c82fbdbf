package dev.kiln.runtime.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.llvm.LlvmBackend;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.compiler.passes.KilnCompiler;
import dev.kiln.dsl.DType;
import dev.kiln.runtime.NDArray;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The IR exp ({@code LlvmMath.expf}) against {@code (float) Math.exp}, which is what the reference
 * interpreter computes: at most 2 ulp apart over a dense sweep of the finite range, exact at the
 * special values, and correct into the subnormal range and at the overflow edge.
 */
class LlvmMathTest {
  private static final LlvmJit JIT = new LlvmJit(LlvmJit.Options.defaults().withoutCache());

  @Test
  void expIsWithinTwoUlpOfTheReferenceEverywhere() {
    float[] special = {0f, -0f, 1f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        88.72283f, 88.72284f, 89f, 100f, -87.33654f, -87.4f, -95f, -103.9f, -103.97208f, -104f, -200f,
        Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, 0.34657359f, -0.34657359f, Float.MAX_VALUE, -Float.MAX_VALUE};
    int sweep = 400_000;
    float[] x = new float[special.length + sweep + 10_000];
    System.arraycopy(special, 0, x, 0, special.length);
    for (int i = 0; i < sweep; i++) { // evenly over [-104, 89]
      x[special.length + i] = -104f + 193f * i / sweep;
    }
    SplittableRandom r = new SplittableRandom(7);
    for (int i = special.length + sweep; i < x.length; i++) { // small arguments, where ulps are fine
      x[i] = (float) (r.nextDouble(-1, 1) * Math.pow(10, -r.nextInt(12)));
    }
    float[] y = exp(x);
    for (int i = 0; i < x.length; i++) {
      float want = (float) Math.exp(x[i]);
      if (Float.isNaN(want) || Float.isInfinite(want) || want == 0f) {
        assertEquals(want, y[i], "exp(" + x[i] + ")"); // NaN equals NaN here
        continue;
      }
      long ulps = Math.abs((long) Float.floatToIntBits(want) - Float.floatToIntBits(y[i]));
      assertTrue(ulps <= 2, "exp(" + x[i] + ") = " + y[i] + ", reference " + want + ": " + ulps + " ulp apart");
    }
  }

  private static float[] exp(float[] x) {
    GraphBuilder b = new GraphBuilder();
    Node in = Emit.placeholder(b, "x", DType.F32, Shape.of(Dim.symbol("n")));
    CompiledModel m = KilnCompiler.compile(new ModelSpec("test.math", "ExpSweep", b.graph(), List.of(in),
        List.of(), List.of(new ModelSpec.Named("y", Emit.exp(b, in))), List.of()));
    NDArray out = NDArray.zeros(DType.F32, x.length);
    try (JitModule module = JIT.compile(m.simpleName(), LlvmBackend.generate(m).get(0).content())) {
      module.entry(LlvmBackend.symbol(m, m.entryPoints().get(0)))
          .call(new NDArray[] {NDArray.of(x, x.length)}, new NDArray[0], new NDArray[] {out}, x.length);
    }
    return out.floats();
  }
}

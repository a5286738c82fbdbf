package dev.kiln.runtime.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.kernel.KernelLowering;
import dev.kiln.codegen.llvm.LlvmBackend;
import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
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
import java.util.List;
import java.util.Map;
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

  /**
   * Softmax, log-softmax and the fused cross-entropy on rows the vectorised maximum must treat as
   * the reference does: a NaN anywhere makes the row NaN, +inf and all -inf rows are not shifted
   * (IEEE arithmetic then gives the reference's NaNs and zeros), signed zeros shift alike.
   * Compared with the interpreter: NaN exactly where it has NaN, else within 1e-6.
   */
  @Test
  void softmaxRowsWithNansInfinitiesAndSignedZerosMatchTheInterpreter() {
    float inf = Float.POSITIVE_INFINITY;
    float nan = Float.NaN;
    float[][] rows = {
        {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, -3},
        {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, nan, 0},
        {nan, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 0},
        {-inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf},
        {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, inf, 0},
        {-0f, 0f, -0f, -0f, 0f, -0f, -0f, -0f, 0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -1, -2, -0f},
        {-5, -4, -3, -2, -1, -inf, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16, -17, -18, -1}};
    int n = rows[0].length;
    double[] x = new double[rows.length * n];
    double[] labels = new double[x.length];
    for (int r = 0; r < rows.length; r++) {
      for (int j = 0; j < n; j++) {
        x[r * n + j] = rows[r][j];
      }
      labels[r * n + (r * 7) % n] = 1;
    }
    GraphBuilder b = new GraphBuilder();
    Node in = Emit.placeholder(b, "x", DType.F32, Shape.of(rows.length, n));
    Node lab = Emit.placeholder(b, "labels", DType.F32, Shape.of(rows.length, n));
    List<ModelSpec.Named> fetches = List.of(new ModelSpec.Named("softmax", Emit.softmax(b, in)),
        new ModelSpec.Named("logSoftmax", Emit.logSoftmax(b, in)),
        new ModelSpec.Named("crossEntropy", Emit.softmaxCrossEntropyWithLogits(b, lab, in)));
    CompiledModel m = KilnCompiler.compile(new ModelSpec("test.math", "SoftmaxEdges", b.graph(),
        List.of(in, lab), List.of(), fetches, List.of()));
    Map<String, Value> feeds = Map.of("x", new Value(DType.F32, new int[] {rows.length, n}, x),
        "labels", new Value(DType.F32, new int[] {rows.length, n}, labels));
    try (JitModule module = JIT.compile(m.simpleName(), LlvmBackend.generate(m).get(0).content())) {
      for (int f = 0; f < fetches.size(); f++) {
        EntryPoint ep = m.entryPoints().get(f);
        Value want = new Interpreter(feeds, Map.of()).run(KernelLowering.results(ep)).values().iterator().next();
        NDArray got = NDArray.zeros(DType.F32, want.shape());
        List<NDArray> inputs = new java.util.ArrayList<>();
        for (Node input : ep.inputs()) {
          inputs.add(JitVsInterpreter.ndarray(feeds.get(input.attrs().<String>get("name"))));
        }
        module.entry(LlvmBackend.symbol(m, ep)).call(inputs.toArray(NDArray[]::new), new NDArray[0],
            new NDArray[] {got});
        for (int i = 0; i < want.size(); i++) {
          double w = want.get(i);
          double g = got.floats()[i];
          String what = ep.name() + " element " + i + ": " + g + ", the interpreter says " + w;
          assertEquals(Double.isNaN(w), Double.isNaN(g), what);
          if (!Double.isNaN(w)) {
            assertTrue(w == g || Math.abs(g - w) <= 1e-6 * Math.max(1, Math.abs(w)), what);
          }
        }
      }
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

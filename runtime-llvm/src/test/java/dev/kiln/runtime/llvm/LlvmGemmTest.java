package dev.kiln.runtime.llvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.kernel.Buffer;
import dev.kiln.codegen.kernel.KernelProgram;
import dev.kiln.codegen.llvm.LlvmBackend;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The register-blocked GEMM ({@code LlvmGemm}) and the pool-split kernels against the reference
 * interpreter, and the same entry points on a 1-thread and a 2-thread JIT compared bit for bit.
 *
 * <p>Tolerance for products: 1e-5 of the result's largest element. The GEMM sums in f32 with
 * fused multiply-adds, in KC-deep slices, the reference in double; for Gaussian inputs the
 * rounding error of a k-term sum grows like √k · 2^-24 · |terms| (k ≤ 784 here: ~2e-6 of the
 * largest element at most), well inside the bound, while a wrong or missing term is off by
 * about one term's size (≥ 1e-2 of it).
 */
class LlvmGemmTest {
  private static final Dim BATCH = Dim.symbol("batch");
  private static final LlvmJit JIT = new LlvmJit(LlvmJit.Options.defaults().withoutCache());

  /** m, k, n: tile-sized, around the 12 × 32 tile and the 192-deep / 144-tall blocks, MNIST's. */
  private static final int[][] SHAPES = {
      {1, 1, 1}, {7, 13, 5}, {100, 784, 10}, {12, 192, 32}, {13, 193, 33}, {11, 191, 31}, {24, 385, 16},
      {130, 257, 67}, {145, 64, 97}, {3, 5, 200}};

  @Test
  void matmulsOfManyShapesAndEveryTransposeMatchTheInterpreter() {
    CompiledModel m = model("GemmShapes", b -> {
      List<Node> inputs = new ArrayList<>();
      List<ModelSpec.Named> fetches = new ArrayList<>();
      for (int[] s : SHAPES) {
        for (int combo = 0; combo < 4; combo++) {
          boolean ta = (combo & 1) != 0;
          boolean tb = (combo & 2) != 0;
          String id = s[0] + "x" + s[1] + "x" + s[2] + (ta ? "ta" : "") + (tb ? "tb" : "");
          Node a = Emit.placeholder(b, "a" + id, DType.F32, ta ? Shape.of(s[1], s[0]) : Shape.of(s[0], s[1]));
          Node c = Emit.placeholder(b, "b" + id, DType.F32, tb ? Shape.of(s[2], s[1]) : Shape.of(s[1], s[2]));
          inputs.add(a);
          inputs.add(c);
          fetches.add(new ModelSpec.Named("p" + id, Emit.matmul(b, a, c, ta, tb)));
        }
      }
      return new Parts(inputs, fetches);
    });
    check(m, 1, 1e-5);
  }

  @Test
  void symbolicRowsBatchedProductsAndDoublesMatchTheInterpreter() {
    CompiledModel m = model("GemmBatched", b -> {
      Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(BATCH, Dim.of(784)));
      Node w = Emit.placeholder(b, "w", DType.F32, Shape.of(784, 10));
      Node p = Emit.placeholder(b, "p", DType.F32, Shape.of(BATCH, Dim.of(3), Dim.of(13), Dim.of(35)));
      Node q = Emit.placeholder(b, "q", DType.F32, Shape.of(BATCH, Dim.of(3), Dim.of(35), Dim.of(33)));
      Node pt = Emit.placeholder(b, "pt", DType.F32, Shape.of(BATCH, Dim.of(3), Dim.of(35), Dim.of(13)));
      Node qt = Emit.placeholder(b, "qt", DType.F32, Shape.of(BATCH, Dim.of(3), Dim.of(33), Dim.of(35)));
      Node d = Emit.placeholder(b, "d", DType.F64, Shape.of(BATCH, Dim.of(257)));
      Node e = Emit.placeholder(b, "e", DType.F64, Shape.of(67, 257));
      return new Parts(List.of(x, w, p, q, pt, qt, d, e), List.of(
          new ModelSpec.Named("logits", Emit.matmul(b, x, w, false, false)),
          new ModelSpec.Named("batched", Emit.matmul(b, p, q, false, false)),
          new ModelSpec.Named("batchedTa", Emit.matmul(b, pt, q, true, false)),
          new ModelSpec.Named("batchedTb", Emit.matmul(b, p, qt, false, true)),
          new ModelSpec.Named("batchedTab", Emit.matmul(b, pt, qt, true, true)),
          new ModelSpec.Named("doubles", Emit.matmul(b, d, e, false, true))));
    });
    check(m, 1, 1e-5);
    check(m, 9, 1e-5); // 27 batched products: split over the pool
    check(m, 130, 1e-5);
  }

  /** Large enough that every kernel here takes its pool path (see LlvmGemm, LlvmEmitter thresholds). */
  private static CompiledModel parallelModel() {
    return model("Parallel", b -> {
      Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(BATCH, Dim.of(1000)));
      Node w = Emit.placeholder(b, "w", DType.F32, Shape.of(1000, 250));
      Node y = Emit.placeholder(b, "y", DType.F32, Shape.of(BATCH, Dim.of(1000)));
      return new Parts(List.of(x, w, y), List.of(
          new ModelSpec.Named("product", Emit.matmul(b, x, w, false, false)),
          new ModelSpec.Named("map", Emit.add(b, Emit.tanh(b, Emit.mul(b, x, y)), y)),
          new ModelSpec.Named("rowSums", Emit.reduceSum(b, Emit.mul(b, x, y), false, 1)),
          new ModelSpec.Named("softmax", Emit.softmax(b, x))));
    });
  }

  @Test
  void poolKernelsMatchTheInterpreter() {
    check(parallelModel(), 301, 1e-5);
  }

  @Test
  void oneAndTwoThreadsGiveBitIdenticalResults() {
    CompiledModel m = parallelModel();
    String ir = LlvmBackend.generate(m).getFirst().content();
    assertTrue(ir.contains("call void @kiln.parallel_for("), "the kernels take the pool path");
    int batch = 301;
    Map<String, Value> feeds = feeds(m, batch);
    List<List<NDArray>> one = run(new LlvmJit(LlvmJit.Options.defaults().withoutCache().withThreads(1)), m, ir, batch, feeds);
    List<List<NDArray>> two = run(new LlvmJit(LlvmJit.Options.defaults().withoutCache().withThreads(2)), m, ir, batch, feeds);
    for (int e = 0; e < one.size(); e++) {
      for (int r = 0; r < one.get(e).size(); r++) {
        assertArrayEquals(one.get(e).get(r).floats(), two.get(e).get(r).floats(),
            m.entryPoints().get(e).name() + " result " + r);
      }
    }
  }

  // ---- harness ------------------------------------------------------------------------------

  record Parts(List<Node> inputs, List<ModelSpec.Named> fetches) {}

  private static CompiledModel model(String name, java.util.function.Function<GraphBuilder, Parts> build) {
    GraphBuilder b = new GraphBuilder();
    Parts p = build.apply(b);
    return KilnCompiler.compile(new ModelSpec("test.gemm", name, b.graph(), p.inputs(), List.of(), p.fetches(),
        List.of()));
  }

  private static Map<String, Value> feeds(CompiledModel model, int batch) {
    SplittableRandom rng = new SplittableRandom(batch * 31L + model.simpleName().hashCode());
    Map<String, Value> feeds = new HashMap<>();
    for (Node in : model.inputs()) {
      int[] shape = JitVsInterpreter.shape(in, batch);
      double[] data = new double[Value.sizeOf(shape)];
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) rng.nextGaussian();
      }
      feeds.put(in.attrs().get("name"), new Value(in.type().dtype(), shape, data));
    }
    return feeds;
  }

  private static void check(CompiledModel model, int batch, double relative) {
    JitVsInterpreter.compare(JIT, model, batch, feeds(model, batch), Map.of(), (w, scale) -> relative * scale);
  }

  /** Every entry point's results, computed by {@code jit}. */
  private static List<List<NDArray>> run(LlvmJit jit, CompiledModel model, String ir, int batch,
      Map<String, Value> feeds) {
    List<List<NDArray>> all = new ArrayList<>();
    try (JitModule module = jit.compile(model.simpleName(), ir)) {
      for (EntryPoint ep : model.entryPoints()) {
        KernelProgram p = LlvmBackend.lower(model, ep);
        List<NDArray> inputs = new ArrayList<>();
        List<NDArray> outputs = new ArrayList<>();
        for (Buffer b : p.slots()) {
          if (b.kind() == Buffer.Kind.INPUT) {
            inputs.add(JitVsInterpreter.ndarray(feeds.get(b.node().attrs().<String>get("name"))));
          } else {
            outputs.add(NDArray.zeros(b.dtype(), JitVsInterpreter.shape(b.node(), batch)));
          }
        }
        long[] sizes = new long[p.symbols().size()];
        Arrays.fill(sizes, batch);
        module.entry(LlvmBackend.symbol(model, ep)).call(inputs.toArray(NDArray[]::new), new NDArray[0],
            outputs.toArray(NDArray[]::new), sizes);
        all.add(outputs);
      }
    }
    return all;
  }
}

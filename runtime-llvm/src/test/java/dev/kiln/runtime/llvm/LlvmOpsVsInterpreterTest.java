package dev.kiln.runtime.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.codegen.llvm.LlvmBackend;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.compiler.ops.ControlFlow;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.compiler.passes.KilnCompiler;
import dev.kiln.dsl.DType;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.nativecode.NativeEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The LLVM kernels of the non-elementwise op families (convolutions, pools, ...) against the
 * reference interpreter: tiny models with a symbolic batch, each op fetched directly on random
 * inputs and trained through (loss = Σ y², so every gradient kernel runs), JIT-compiled at O3 and
 * compared element by element at a batch of 1 and of 5, within 2e-5 of each result's largest
 * element.
 */
class LlvmOpsVsInterpreterTest {
  private static final LlvmJit JIT = new LlvmJit(LlvmJit.Options.defaults().withoutCache());
  private static final Dim BATCH = Dim.symbol("batch");

  // ---- convolutions and pools ---------------------------------------------------------------

  @Test
  void convolutionsAndTheirGradientsMatchTheInterpreter() {
    for (String padding : List.of("SAME", "VALID")) {
      CompiledModel m = model("Conv" + padding, b -> {
        Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(BATCH, Dim.of(7), Dim.of(6), Dim.of(3)));
        Node w1 = Emit.variable(b, "w1", DType.F32, Shape.of(3, 2, 3, 4), "zeros");
        Node w2 = Emit.variable(b, "w2", DType.F32, Shape.of(2, 3, 4, 5), "zeros");
        Node y1 = Emit.conv2d(b, x, w1, new int[] {2, 1}, padding);
        Node y2 = Emit.conv2d(b, y1, w2, new int[] {1, 2}, padding);
        Node d = Emit.placeholder(b, "d", DType.F32, y1.shape());
        return new Parts(List.of(x, d), List.of(w1, w2), List.of(
            new ModelSpec.Named("conv", y2),
            new ModelSpec.Named("backpropInput", Emit.conv2dBackpropInput(b, w1, d, new int[] {7, 6}, new int[] {2, 1}, padding)),
            new ModelSpec.Named("backpropFilter", Emit.conv2dBackpropFilter(b, x, d, new int[] {3, 2}, new int[] {2, 1}, padding))),
            y2);
      });
      check(m, 1);
      check(m, 5);
    }
  }

  @Test
  void poolsAndTheirGradientsMatchTheInterpreter() {
    for (String padding : List.of("SAME", "VALID")) {
      CompiledModel m = model("Pool" + padding, b -> {
        Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(BATCH, Dim.of(7), Dim.of(8), Dim.of(3)));
        Node w = Emit.variable(b, "w", DType.F32, Shape.of(1, 1, 3, 4), "zeros");
        Node h = Emit.conv2d(b, x, w, new int[] {1, 1}, "VALID");
        Node max = Emit.maxPool(b, h, new int[] {3, 2}, new int[] {2, 2}, padding);
        Node avg = Emit.avgPool(b, h, new int[] {2, 3}, new int[] {1, 2}, padding);
        Node loss = Emit.add(b, Emit.reduceSum(b, Emit.square(b, max), false),
            Emit.reduceSum(b, Emit.square(b, avg), false));
        return new Parts(List.of(x), List.of(w), List.of(
            new ModelSpec.Named("maxPool", Emit.maxPool(b, x, new int[] {2, 2}, new int[] {2, 2}, padding)),
            new ModelSpec.Named("avgPool", Emit.avgPool(b, x, new int[] {3, 3}, new int[] {2, 1}, padding))),
            null, loss);
      });
      check(m, 1);
      check(m, 5);
    }
  }

  // ---- slices and concatenation ------------------------------------------------------------

  @Test
  void slicesAndConcatenationMatchTheInterpreter() {
    CompiledModel m = model("Blocks", b -> {
      Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(BATCH, Dim.of(6), Dim.of(5)));
      Node t = Emit.placeholder(b, "t", DType.F32, Shape.of(Dim.of(4), BATCH, Dim.of(3)));
      Node w = Emit.variable(b, "w", DType.F32, Shape.of(6, 5), "zeros");
      Node y = Emit.mul(b, x, w);
      Node a = Emit.slice(b, y, new int[] {0, 1, 2}, new int[] {-1, 3, 2});
      Node c = Emit.slice(b, y, new int[] {0, 0, 0}, new int[] {-1, 3, 4});
      Node joined = Emit.concat(b, -1, List.of(a, c, a));
      Node d = Emit.slice(b, y, new int[] {0, 0, 1}, new int[] {-1, -1, 4});
      Node rows = Emit.concat(b, 1, List.of(c, d));
      Node loss = Emit.add(b, Emit.reduceSum(b, Emit.square(b, joined), false),
          Emit.reduceSum(b, Emit.square(b, rows), false));
      return new Parts(List.of(x, t), List.of(w), List.of(
          new ModelSpec.Named("joined", joined),
          new ModelSpec.Named("rows", rows),
          // A begin past a symbolic axis: the base offset is 1 * batch * 3 + 1.
          new ModelSpec.Named("symbolicBase", Emit.slice(b, t, new int[] {1, 0, 1}, new int[] {2, -1, 2})),
          new ModelSpec.Named("unslice", Emit.unslice(b, a, x, new int[] {0, 2, 1}))),
          null, loss);
    });
    check(m, 1);
    check(m, 5);
  }

  // ---- gathers and scatters -----------------------------------------------------------------

  private static CompiledModel gatherModel(DType indexType) {
    return model("Gather" + indexType, b -> {
      Node ids = Emit.placeholder(b, "ids", indexType, Shape.of(BATCH, Dim.of(4)));
      Node updates = Emit.placeholder(b, "updates", DType.F32, Shape.of(BATCH, Dim.of(4), Dim.of(3)));
      Node table = Emit.variable(b, "table", DType.F32, Shape.of(6, 3), "zeros");
      Node rows = Emit.gather(b, table, ids);
      return new Parts(List.of(ids, updates), List.of(table), List.of(
          new ModelSpec.Named("rows", rows),
          new ModelSpec.Named("scattered", Emit.scatterAdd(b, updates, ids, table))),
          rows);
    });
  }

  @Test
  void gatherAndScatterAddMatchTheInterpreter() {
    for (DType t : List.of(DType.I32, DType.I64)) {
      CompiledModel m = gatherModel(t);
      check(m, 1);
      check(m, 5); // indices in [0, 4) of 6 rows: repeats accumulate in the scatter
    }
  }

  /**
   * An index outside the table never touches memory: the call throws the interpreter's
   * sentence (the first bad index) and the entry keeps working for good indices.
   */
  @Test
  void outOfRangeIndicesAreReportedNotFollowed() {
    CompiledModel m = gatherModel(DType.I64);
    try (JitModule module = JIT.compile(m.simpleName(), LlvmBackend.generate(m).getFirst().content())) {
      String[] symbols = new String[2];
      for (EntryPoint ep : m.entryPoints()) {
        if (ep.name().equals("rows")) {
          symbols[0] = LlvmBackend.symbol(m, ep);
        } else if (ep.name().equals("scattered")) {
          symbols[1] = LlvmBackend.symbol(m, ep);
        }
      }
      NDArray table = NDArray.of(new float[18], 6, 3);
      NDArray updates = NDArray.of(new float[2 * 4 * 3], 2, 4, 3);
      NDArray bad = NDArray.of(new long[] {0, 1, 2, 3, 5, -1, 1_000_000_000_000L, 7}, 2, 4);
      NDArray good = NDArray.of(new long[] {0, 1, 2, 3, 5, 5, 4, 0}, 2, 4);
      NativeEntry gather = module.entry(symbols[0]);
      var e = org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
          () -> gather.call(new NDArray[] {bad}, new NDArray[] {table},
              new NDArray[] {NDArray.zeros(DType.F32, 2, 4, 3)}, 2));
      assertEquals("gather: index -1 is out of range for a table of 6 rows", e.getMessage());
      NativeEntry scatter = module.entry(symbols[1]);
      var s = org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
          () -> scatter.call(new NDArray[] {bad, updates}, new NDArray[] {table},
              new NDArray[] {NDArray.zeros(DType.F32, 6, 3)}, 2));
      assertEquals("scatterAdd: index -1 is out of range for a table of 6 rows", s.getMessage());
      NDArray out = NDArray.zeros(DType.F32, 2, 4, 3);
      NDArray ones = NDArray.of(new float[] {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5}, 6, 3);
      gather.call(new NDArray[] {good}, new NDArray[] {ones}, new NDArray[] {out}, 2);
      assertEquals(5f, out.floats()[4 * 3]);
      assertEquals(4f, out.floats()[6 * 3]);
    }
  }

  // ---- batched products and shapes ---------------------------------------------------------

  @Test
  void batchMatMulAndShapeMatchTheInterpreter() {
    CompiledModel m = model("Batched", b -> {
      Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(BATCH, Dim.of(2), Dim.of(3), Dim.of(4)));
      Node y = Emit.placeholder(b, "y", DType.F32, Shape.of(BATCH, Dim.of(2), Dim.of(4), Dim.of(5)));
      Node v = Emit.variable(b, "v", DType.F32, Shape.of(3, 4), "zeros");
      Node a = Emit.mul(b, x, v);
      Node c = Emit.matmul(b, a, y, false, false);
      List<ModelSpec.Named> fetches = new ArrayList<>();
      fetches.add(new ModelSpec.Named("product", c));
      // op(a) [.., 3, 4] needs a stored [.., 4, 3] when transposed; op(b) [.., 4, 5] likewise.
      Node at = Emit.permute(b, x, 0, 1, 3, 2);
      Node yt = Emit.permute(b, y, 0, 1, 3, 2);
      fetches.add(new ModelSpec.Named("ta", Emit.matmul(b, at, y, true, false)));
      fetches.add(new ModelSpec.Named("tb", Emit.matmul(b, x, yt, false, true)));
      fetches.add(new ModelSpec.Named("tab", Emit.matmul(b, at, yt, true, true)));
      fetches.add(new ModelSpec.Named("shape", Emit.shape(b, y)));
      return new Parts(List.of(x, y), List.of(v), fetches, c);
    });
    check(m, 1);
    check(m, 5);
  }

  @Test
  void matrixInverseMatchesTheInterpreter() {
    for (DType t : List.of(DType.F32, DType.F64)) {
      CompiledModel m = model("Inverse" + t, b -> {
        Node x = Emit.placeholder(b, "x", t, Shape.of(BATCH, Dim.of(4)));
        Node p = Emit.placeholder(b, "p", t, Shape.of(5, 5));
        Node v = Emit.variable(b, "v", t, Shape.of(4, 4), "zeros");
        Node y = Emit.matmul(b, x, Emit.matrixInverse(b, v), false, false);
        return new Parts(List.of(x, p), List.of(v), List.of(
            new ModelSpec.Named("inverse", Emit.matrixInverse(b, p))), y);
      });
      check(m, 1);
      check(m, 5);
    }
  }

  /** A reshape shares its source's buffer; a reduction of it folds the reshaped axes (CharLstm's case). */
  @Test
  void reductionsOfAReshapeFoldTheReshapedAxes() {
    CompiledModel m = model("ReshapedReduce", b -> {
      Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(BATCH, Dim.of(12)));
      Node v = Emit.variable(b, "v", DType.F32, Shape.of(12), "zeros");
      Node r = Emit.reshape(b, Emit.mul(b, x, v), Shape.of(BATCH, Dim.of(3), Dim.of(4)));
      return new Parts(List.of(x), List.of(v), List.of(
          new ModelSpec.Named("sums", Emit.reduceSum(b, r, false, 2)),
          new ModelSpec.Named("means", Emit.reduceMean(b, r, true, 1))),
          Emit.reduceMean(b, r, false, 1));
    });
    check(m, 1);
    check(m, 5);
  }

  // ---- random ops and dropout ---------------------------------------------------------------

  /**
   * Random ops draw from the entry point's seeded generator in schedule order, as the reference
   * interpreter does from {@link dev.kiln.codegen.llvm.LlvmGenerator}: uniform draws, dropout
   * masks and shuffles bit for bit (tolerance 0), normal draws up to the C library's last bit of
   * {@code log} (see LlvmGenerator). A training step draws the dropout mask its gradient reads; a
   * fetch's mask is ones.
   */
  @Test
  void randomOpsAndDropoutMatchTheInterpreterBitForBit() {
    CompiledModel m = model("Random", b -> {
      Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(BATCH, Dim.of(6)));
      Node w = Emit.variable(b, "w", DType.F32, Shape.of(6), "zeros");
      Node h = Emit.dropout(b, Emit.mul(b, x, w), 0.4);
      return new Parts(List.of(x), List.of(w), List.of(
          new ModelSpec.Named("uniform", Emit.randomUniform(b, DType.F32, Shape.of(7, 9), -1.5, 2)),
          new ModelSpec.Named("uniform64", Emit.randomUniform(b, DType.F64, Shape.of(33), 0, 1)),
          new ModelSpec.Named("shuffled", Emit.randomShuffle(b, x)),
          new ModelSpec.Named("inference", h),
          // Two draws in one entry point: the second starts where the first left the generator.
          new ModelSpec.Named("twoDraws", Emit.add(b, Emit.randomUniform(b, DType.F32, Shape.of(5), 0, 1),
              Emit.dropoutMask(b, Emit.randomUniform(b, DType.F32, Shape.of(5), 0, 1), 0.5)))),
          h);
    });
    JitVsInterpreter.Tolerance exact = (w, scale) -> 0;
    checkWith(m, 1, exact);
    checkWith(m, 7, exact);
  }

  @Test
  void normalDrawsMatchTheInterpreter() {
    CompiledModel m = model("Normal", b -> {
      Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(BATCH, Dim.of(3)));
      Node w = Emit.variable(b, "w", DType.F32, Shape.of(3), "zeros");
      return new Parts(List.of(x), List.of(w), List.of(
          new ModelSpec.Named("normal", Emit.randomNormal(b, DType.F32, Shape.of(50, 40), 0.5, 2)),
          new ModelSpec.Named("normal64", Emit.randomNormal(b, DType.F64, Shape.of(300), -1, 0.25)),
          new ModelSpec.Named("truncated", Emit.truncatedNormal(b, DType.F32, Shape.of(40, 50), 1, 3))),
          Emit.mul(b, x, w));
    });
    checkWith(m, 2, (w, scale) -> 1e-12 * Math.max(1, Math.abs(w)));
  }

  /** Different seeds give different draws, and the truncation holds (a failing test can fail). */
  @Test
  void truncatedNormalDrawsStayWithinTwoDeviations() {
    CompiledModel m = model("Truncated", b -> {
      Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(BATCH, Dim.of(3)));
      Node w = Emit.variable(b, "w", DType.F32, Shape.of(3), "zeros");
      return new Parts(List.of(x), List.of(w), List.of(
          new ModelSpec.Named("truncated", Emit.truncatedNormal(b, DType.F64, Shape.of(4000), 1, 3))),
          Emit.mul(b, x, w));
    });
    EntryPoint ep = m.entryPoints().stream().filter(e -> e.name().equals("truncated")).findFirst().orElseThrow();
    try (JitModule module = JIT.compile(m.simpleName(), LlvmBackend.generate(m).getFirst().content())) {
      NativeEntry entry = module.entry(LlvmBackend.symbol(m, ep));
      NDArray a = NDArray.zeros(DType.F64, 4000);
      NDArray c = NDArray.zeros(DType.F64, 4000);
      entry.call(new NDArray[0], new NDArray[] {NDArray.zeros(DType.F32, 3)}, new NDArray[] {a}, 11);
      entry.call(new NDArray[0], new NDArray[] {NDArray.zeros(DType.F32, 3)}, new NDArray[] {c}, 12);
      double sum = 0;
      int same = 0;
      for (int i = 0; i < 4000; i++) {
        double v = a.doubles()[i];
        org.junit.jupiter.api.Assertions.assertTrue(v >= 1 - 6 && v <= 1 + 6, "draw " + i + " is " + v);
        sum += v;
        same += v == c.doubles()[i] ? 1 : 0;
      }
      assertEquals(1, sum / 4000, 0.15, "mean of 4000 truncated draws");
      assertEquals(0, same, "draws shared by two seeds");
    }
  }

  // ---- state writes and row access ------------------------------------------------------------

  /**
   * Assign, AssignAdd and AssignSub update the variable in place (the caller copies it back; the
   * harness compares it with the interpreter's variable), while other reads of the variable in
   * the same entry point see its value before the write.
   */
  @Test
  void stateWritesMatchTheInterpreter() {
    CompiledModel m = model("State", b -> {
      Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(3, 4));
      Node k = Emit.placeholder(b, "k", DType.I64, Shape.of(2));
      Node v = Emit.stateVariable(b, "v", DType.F32, Shape.of(3, 4), "zeros");
      Node acc = Emit.stateVariable(b, "acc", DType.F32, Shape.of(3, 4), "zeros");
      Node count = Emit.stateVariable(b, "count", DType.I64, Shape.of(2), "zeros");
      Node w = Emit.variable(b, "w", DType.F32, Shape.of(3, 4), "zeros");
      return new Parts(List.of(x, k), List.of(v, acc, count, w), List.of(
          new ModelSpec.Named("assign", Emit.assign(b, v, Emit.mul(b, x, w))),
          // Reads the old value beside the write: the old acc plus the new one.
          new ModelSpec.Named("accumulate", Emit.add(b, acc, Emit.assignAdd(b, acc, Emit.mul(b, x, acc)))),
          new ModelSpec.Named("countDown", Emit.assignSub(b, count, k)),
          new ModelSpec.Named("oldValue", Emit.add(b, Emit.reshape(b, v, Shape.of(12)),
              Emit.reshape(b, Emit.assignSub(b, v, x), Shape.of(12))))),
          Emit.mul(b, x, w));
    });
    check(m, 1);
  }

  /** At reads row t of a run-time index; its gradient, ScatterAt, writes it back. */
  @Test
  void atAndScatterAtMatchTheInterpreter() {
    CompiledModel m = model("At", b -> {
      Node xs = Emit.placeholder(b, "xs", DType.F32, Shape.of(Dim.of(5), BATCH, Dim.of(3)));
      Node t = Emit.placeholder(b, "t", DType.I32, Shape.of(new long[0]));
      Node w = Emit.variable(b, "w", DType.F32, Shape.of(5, 1, 3), "zeros");
      Node row = dev.kiln.compiler.ops.ControlFlow.at(b, Emit.mul(b, xs, w), t);
      return new Parts(List.of(xs, t), List.of(w), List.of(
          new ModelSpec.Named("row", row),
          new ModelSpec.Named("placed", dev.kiln.compiler.ops.ControlFlow.scatterAt(b, row, xs, t))),
          row);
    });
    check(m, 1);
    check(m, 4);
  }

  // ---- sparse (COO) matrices ---------------------------------------------------------------

  /**
   * Every sparse op on a 4 x 5 matrix whose nonzero count is the symbol (so the batch sets nnz;
   * coordinates drawn from [0, 4) repeat, which must add up): the product and its adjoint, the
   * values gradient both ways, to-dense and gather; trained through the product, whose dense
   * gradient is the adjoint product of dOut.
   */
  private static CompiledModel sparseModel(DType indexType, DType valueType) {
    return model("Sparse" + indexType + valueType, b -> {
      Node idx = Emit.placeholder(b, "idx", indexType, Shape.of(BATCH, Dim.of(2)));
      Node vals = Emit.placeholder(b, "vals", valueType, Shape.of(BATCH));
      Node shape = Emit.placeholder(b, "shape", DType.I64, Shape.of(4, 5, 0));
      Node g = Emit.placeholder(b, "g", valueType, Shape.of(4, 3));
      Node gt = Emit.placeholder(b, "gt", valueType, Shape.of(5, 3));
      Node dense = Emit.placeholder(b, "dense", valueType, Shape.of(4, 5));
      Node w = Emit.variable(b, "w", valueType, Shape.of(5, 3), "zeros");
      Node product = Emit.sparseMatmul(b, idx, vals, shape, w, false);
      return new Parts(List.of(idx, vals, shape, g, gt, dense), List.of(w), List.of(
          new ModelSpec.Named("product", product),
          new ModelSpec.Named("adjointProduct", Emit.sparseMatmul(b, idx, vals, shape, g, true)),
          new ModelSpec.Named("valuesGrad", Emit.sparseMatmulValuesGrad(b, idx, shape, g, w, false)),
          new ModelSpec.Named("valuesGradAdjoint", Emit.sparseMatmulValuesGrad(b, idx, shape, gt, g, true)),
          new ModelSpec.Named("toDense", Emit.sparseToDense(b, idx, vals, shape)),
          new ModelSpec.Named("gathered", Emit.sparseGather(b, idx, shape, dense))),
          product);
    });
  }

  /**
   * Bit for bit (products and sums in double in the reference's order, rounded once): 1e-12 of
   * the largest element is below one f32 ulp, and leaves f64 only the loss's reduction, whose
   * double sum the vectorizer may reassociate.
   */
  @Test
  void sparseOpsMatchTheInterpreterBitForBit() {
    for (CompiledModel m : List.of(sparseModel(DType.I64, DType.F32), sparseModel(DType.I32, DType.F64))) {
      for (int nnz : new int[] {0, 1, 9}) { // none (zeros and empty results), one, repeats
        checkWith(m, nnz, (w, scale) -> 1e-12 * scale);
      }
    }
  }

  /**
   * A coordinate outside the dense shape touches no memory: each op's call throws the
   * interpreter's sentence for the first one, and the entry then works for good coordinates.
   */
  @Test
  void outOfRangeSparseCoordinatesAreReportedNotFollowed() {
    CompiledModel m = sparseModel(DType.I64, DType.F32);
    SplittableRandom rng = new SplittableRandom(3);
    Map<String, Value> feeds = new HashMap<>();
    for (Node in : m.inputs()) {
      feeds.put(in.attrs().get("name"), random(in, 3, rng));
    }
    Map<String, Value> variables = Map.of("w", random(m.params().getFirst(), 3, rng));
    try (JitModule module = JIT.compile(m.simpleName(), LlvmBackend.generate(m).getFirst().content())) {
      // Nonzero 1 is past the last column, nonzero 2 before the first row: the first is reported.
      for (double[] bad : List.of(new double[] {0, 1, 3, 5, -1, 0}, new double[] {0, 1, -1, 2, 9, 9})) {
        Map<String, Value> badFeeds = new HashMap<>(feeds);
        badFeeds.put("idx", new Value(DType.I64, new int[] {3, 2}, bad));
        for (EntryPoint ep : m.entryPoints()) {
          if (ep.kind() != EntryPoint.Kind.FETCH) {
            continue;
          }
          IndexOutOfBoundsException want = org.junit.jupiter.api.Assertions.assertThrows(
              IndexOutOfBoundsException.class,
              () -> new dev.kiln.compiler.interp.Interpreter(badFeeds, variables).run(ep.output()));
          var entry = module.entry(LlvmBackend.symbol(m, ep));
          IndexOutOfBoundsException got = org.junit.jupiter.api.Assertions.assertThrows(
              IndexOutOfBoundsException.class, () -> callFetch(entry, m, ep, badFeeds, variables));
          assertEquals(want.getMessage(), got.getMessage(), ep.name());
        }
      }
      for (EntryPoint ep : m.entryPoints()) {
        if (ep.name().equals("gathered") && ep.kind() == EntryPoint.Kind.FETCH) {
          NDArray out = callFetch(module.entry(LlvmBackend.symbol(m, ep)), m, ep, feeds, variables);
          Value want = new dev.kiln.compiler.interp.Interpreter(feeds, variables).run(ep.output());
          for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i), out.elementAsDouble(i), "element " + i + " after the errors");
          }
        }
      }
    }
  }

  /** Runs a fetch entry on {@code feeds} (nnz 3) and returns its output. */
  private static NDArray callFetch(dev.kiln.runtime.NativeCode.Entry entry, CompiledModel m, EntryPoint ep,
      Map<String, Value> feeds, Map<String, Value> variables) {
    List<NDArray> inputs = new ArrayList<>();
    for (Node in : ep.inputs()) {
      inputs.add(JitVsInterpreter.ndarray(feeds.get(in.attrs().<String>get("name"))));
    }
    List<NDArray> params = new ArrayList<>();
    for (Node p : m.params()) {
      params.add(JitVsInterpreter.ndarray(variables.get(p.attrs().<String>get("name"))));
    }
    NDArray out = NDArray.zeros(ep.output().type().dtype(), JitVsInterpreter.shape(ep.output(), 3));
    long[] sizes = new long[LlvmBackend.lower(m, ep).symbols().size()];
    java.util.Arrays.fill(sizes, 3);
    entry.call(inputs.toArray(NDArray[]::new), params.toArray(NDArray[]::new), new NDArray[] {out}, sizes);
    return out;
  }

  // ---- control flow -------------------------------------------------------------------------

  /**
   * cond with two results (one a captured input handed back as is) and a cond nested in its true
   * branch: k in [0, 4) takes the inner true branch, the inner false one and the outer false one;
   * the training step differentiates through the taken branch (a cond over branch gradients).
   */
  @Test
  void condRunsTheTakenBranchAndTrainsThroughIt() {
    CompiledModel m = model("Cond", b -> {
      Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(BATCH, Dim.of(3)));
      Node k = Emit.placeholder(b, "k", DType.I32, Shape.of(new long[0]));
      Node w = Emit.variable(b, "w", DType.F32, Shape.of(3), "zeros");
      List<Node> r = ControlFlow.cond(b, null, Emit.less(b, k, Emit.scalar(b, DType.I32, 2)),
          t -> {
            GraphBuilder tb = t.builder();
            Node inner = ControlFlow.cond(tb, t, Emit.less(tb, t.read(k), Emit.scalar(tb, DType.I32, 1)),
                u -> List.of(Emit.tanh(u.builder(), Emit.mul(u.builder(), u.read(x), u.read(w)))),
                u -> List.of(Emit.mul(u.builder(), u.read(x), Emit.square(u.builder(), u.read(w))))).getFirst();
            return List.of(inner, t.read(x));
          },
          e -> List.of(Emit.sub(e.builder(), e.read(x), e.read(w)), Emit.add(e.builder(), e.read(x), e.read(w))));
      Node y = Emit.add(b, r.get(0), r.get(1));
      return new Parts(List.of(x, k), List.of(w), List.of(
          new ModelSpec.Named("y", y), new ModelSpec.Named("first", r.get(0))), y);
    });
    List<Map<String, Value>> ks = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      ks.add(Map.of("k", Value.scalar(DType.I32, k)));
    }
    checkAt(m, List.of(1, 4), ks);
  }

  /**
   * whileLoop run 0, 1 and 5 times at two batch sizes: a counter, loop-carried state and a shift
   * (the next b is a, which must be read before a changes); trained by back-propagation through time (the
   * recording loop's tapes grow on the heap past their first 4 rows).
   */
  @Test
  void whileLoopsRunZeroOneAndManyTimesAndTrainThroughTime() {
    CompiledModel m = model("While", b -> {
      Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(BATCH, Dim.of(3)));
      Node n = Emit.placeholder(b, "n", DType.I32, Shape.of(new long[0]));
      Node w = Emit.variable(b, "w", DType.F32, Shape.of(3), "zeros");
      Node v = Emit.variable(b, "v", DType.F32, Shape.of(3), "zeros");
      List<Node> out = ControlFlow.whileLoop(b, null, List.of(Emit.scalar(b, DType.I32, 0), x, Emit.mul(b, x, v)),
          (r, vars) -> Emit.less(r.builder(), vars.get(0), r.read(n)),
          (r, vars) -> {
            GraphBuilder rb = r.builder();
            return List.of(Emit.add(rb, vars.get(0), Emit.scalar(rb, DType.I32, 1)),
                Emit.tanh(rb, Emit.add(rb, Emit.mul(rb, vars.get(1), r.read(w)), vars.get(2))), vars.get(1));
          });
      Node y = Emit.add(b, out.get(1), out.get(2));
      return new Parts(List.of(x, n), List.of(w, v), List.of(
          new ModelSpec.Named("y", y), new ModelSpec.Named("trips", out.get(0))), y);
    });
    checkAt(m, List.of(1, 3), List.of(Map.of("n", Value.scalar(DType.I32, 0)),
        Map.of("n", Value.scalar(DType.I32, 1)), Map.of("n", Value.scalar(DType.I32, 5))));
  }

  /**
   * A whileLoop inside a cond branch, trained: the branch's gradient region holds the loop's
   * recording twin and backward loop, so the tapes live inside a region.
   */
  @Test
  void aLoopInsideABranchTrainsThroughTime() {
    CompiledModel m = model("LoopInCond", b -> {
      Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(BATCH, Dim.of(3)));
      Node n = Emit.placeholder(b, "n", DType.I32, Shape.of(new long[0]));
      Node w = Emit.variable(b, "w", DType.F32, Shape.of(3), "zeros");
      Node y = ControlFlow.cond(b, null, Emit.greater(b, n, Emit.scalar(b, DType.I32, 0)),
          t -> {
            GraphBuilder tb = t.builder();
            return List.of(ControlFlow.whileLoop(tb, t, List.of(Emit.scalar(tb, DType.I32, 0), t.read(x)),
                (r, vars) -> Emit.less(r.builder(), vars.get(0), r.read(n)),
                (r, vars) -> List.of(Emit.add(r.builder(), vars.get(0), Emit.scalar(r.builder(), DType.I32, 1)),
                    Emit.tanh(r.builder(), Emit.mul(r.builder(), vars.get(1), r.read(w))))).get(1));
          },
          e -> List.of(Emit.mul(e.builder(), e.read(x), e.read(w)))).getFirst();
      return new Parts(List.of(x, n), List.of(w), List.of(new ModelSpec.Named("y", y)), y);
    });
    EntryPoint train = m.entryPoints().stream().filter(e -> e.kind() == EntryPoint.Kind.TRAIN).findFirst()
        .orElseThrow();
    dev.kiln.codegen.kernel.KernelProgram p = LlvmBackend.lower(m, train);
    org.junit.jupiter.api.Assertions.assertTrue(p.allSteps().stream().anyMatch(k -> !p.steps().contains(k)
        && k instanceof dev.kiln.codegen.kernel.Kernel.Loop l && l.records()), "a recording loop in a branch");
    checkAt(m, List.of(2), List.of(Map.of("n", Value.scalar(DType.I32, 0)), Map.of("n", Value.scalar(DType.I32, 6))));
  }

  /** A scan (an RNN over the time axis, reading row t with At), trained through time. */
  @Test
  void scanOverTimeMatchesTheInterpreter() {
    CompiledModel m = model("Scan", b -> {
      Node xs = Emit.placeholder(b, "xs", DType.F32, Shape.of(Dim.of(6), BATCH, Dim.of(3)));
      Node h0 = Emit.placeholder(b, "h0", DType.F32, Shape.of(BATCH, Dim.of(3)));
      Node w = Emit.variable(b, "w", DType.F32, Shape.of(3, 3), "zeros");
      Node steps = ControlFlow.length(b, xs);
      Node h = ControlFlow.whileLoop(b, null, List.of(Emit.scalar(b, DType.I32, 0), h0),
          (r, vars) -> Emit.less(r.builder(), vars.get(0), r.read(steps)),
          (r, vars) -> {
            GraphBuilder rb = r.builder();
            Node xt = ControlFlow.at(rb, r.read(xs), vars.get(0));
            return List.of(Emit.add(rb, vars.get(0), Emit.scalar(rb, DType.I32, 1)),
                Emit.tanh(rb, Emit.add(rb, Emit.matmul(rb, vars.get(1), r.read(w), false, false), xt)));
          }).get(1);
      return new Parts(List.of(xs, h0), List.of(w), List.of(new ModelSpec.Named("h", h)), h);
    });
    checkAt(m, List.of(1, 4), List.of(Map.of()));
  }

  /**
   * Every entry point vs the interpreter at each batch size and each of {@code fixeds}: random
   * feeds with those ones replaced, the model compiled once.
   */
  private static void checkAt(CompiledModel model, List<Integer> batches, List<Map<String, Value>> fixeds) {
    try (JitModule module = JIT.compile(model.simpleName(), LlvmBackend.generate(model).getFirst().content())) {
      for (int batch : batches) {
        for (Map<String, Value> fixed : fixeds) {
          SplittableRandom rng = new SplittableRandom(batch * 31L + model.simpleName().hashCode());
          Map<String, Value> feeds = new HashMap<>();
          Map<String, Value> variables = new HashMap<>();
          for (Node in : model.inputs()) {
            feeds.put(in.attrs().get("name"), random(in, batch, rng));
          }
          feeds.putAll(fixed);
          for (Node p : model.params()) {
            variables.put(p.attrs().get("name"), random(p, batch, rng));
          }
          JitVsInterpreter.compare(module::entry, model, batch, feeds, variables, (w, scale) -> 2e-5 * scale);
        }
      }
    }
  }

  // ---- harness ------------------------------------------------------------------------------

  /**
   * A test model: inputs, variables, fetched nodes and the node whose Σ y² is the loss (or the
   * loss itself when {@code loss} is given).
   */
  record Parts(List<Node> inputs, List<Node> params, List<ModelSpec.Named> fetches, Node squared, Node loss) {
    Parts(List<Node> inputs, List<Node> params, List<ModelSpec.Named> fetches, Node squared) {
      this(inputs, params, fetches, squared, null);
    }
  }

  private static CompiledModel model(String name, Function<GraphBuilder, Parts> build) {
    GraphBuilder b = new GraphBuilder();
    Parts p = build.apply(b);
    Node loss = p.loss() != null ? p.loss() : Emit.reduceSum(b, Emit.square(b, p.squared()), false);
    return KilnCompiler.compile(new ModelSpec("test.ops", name, b.graph(), p.inputs(), p.params(),
        p.fetches(), List.of(new ModelSpec.Named("loss", loss))));
  }

  /** Every entry point's output and gradients vs the interpreter, on Gaussian inputs and variables. */
  static void check(CompiledModel model, int batch) {
    // Relative to the result's largest element: kernels sum in f32, the reference in
    // double, so a sum with cancellation differs by rounding of its largest terms.
    checkWith(model, batch, (w, scale) -> 2e-5 * scale);
  }

  static void checkWith(CompiledModel model, int batch, JitVsInterpreter.Tolerance tolerance) {
    SplittableRandom rng = new SplittableRandom(batch * 31L + model.simpleName().hashCode());
    Map<String, Value> feeds = new HashMap<>();
    Map<String, Value> variables = new HashMap<>();
    for (Node in : model.inputs()) {
      feeds.put(in.attrs().get("name"), random(in, batch, rng));
    }
    for (Node p : model.params()) {
      variables.put(p.attrs().get("name"), random(p, batch, rng));
    }
    JitVsInterpreter.compare(JIT, model, batch, feeds, variables, tolerance);
  }

  /** Gaussian floats (rounded to f32); integers uniform in [0, 4) (valid indices for the tests). */
  static Value random(Node n, int batch, SplittableRandom rng) {
    int[] shape = JitVsInterpreter.shape(n, batch);
    double[] data = new double[Value.sizeOf(shape)];
    for (int i = 0; i < data.length; i++) {
      data[i] = n.type().dtype().isFloating() ? (float) rng.nextGaussian() : rng.nextInt(4);
    }
    return new Value(n.type().dtype(), shape, data);
  }
}

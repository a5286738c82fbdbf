package dev.kiln.codegen.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.SparseNDArray;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The COO sparse ops on the Java backend against the interpreter, gradients included. */
class JavaBackendSparseTest {
  /**
   * A sparse matrix with a symbolic number of nonzeros drawn from 0..2 on both axes (so that
   * coordinates repeat, which must add up, and rows stay empty) times dense operands; and the
   * gradient ops of SparseMatMul (values: SparseMatMulValuesGrad; dense: the adjoint product).
   */
  static Harness everySparseOp() {
    Harness h = new Harness("Sparse");
    Node idx = h.input("idx", DType.I64, "nnz", 2);
    h.shaping.put("idx", v -> Math.floorMod((long) v, 3));
    Node vals = h.input("vals", DType.F32, "nnz");
    Node shape = h.input("shape", DType.I64, "batch", 4, 0); // rows = batch ≥ 3 in check()
    Node b = h.input("b", DType.F32, 4, 5);
    Node g = h.input("g", DType.F32, "batch", 5);
    h.fetch("product", Emit.sparseMatmul(h.b, idx, vals, shape, b, false));
    h.fetch("adjointProduct", Emit.sparseMatmul(h.b, idx, vals, shape, g, true));
    h.fetch("valuesGrad", Emit.sparseMatmulValuesGrad(h.b, idx, shape, g, b, false));
    h.fetch("valuesGradAdjoint", Emit.sparseMatmulValuesGrad(h.b, idx, shape, b, g, true));
    h.fetch("dense", Emit.sparseToDense(h.b, idx, vals, shape));
    Node d = h.input("d", DType.F64, "batch", 4);
    h.fetch("gathered", Emit.sparseGather(h.b, idx, shape, d));
    return h;
  }

  @Test
  void everySparseOpMatchesTheInterpreter() {
    everySparseOp().check(3, 6);
  }

  @Test
  void outOfRangeCoordinateIsAnIndexErrorNamingTheOp() {
    Harness h = everySparseOp();
    h.compile();
    NDArray idx = NDArray.of(new long[] {0, 1, 2, 4}, 2, 2); // column 4 of a 4-column matrix
    NDArray vals = NDArray.of(new float[] {1, 2}, 2);
    NDArray shape = NDArray.zeros(DType.I64, 3, 4, 0);
    NDArray b = NDArray.zeros(DType.F32, 4, 5);
    AssertionError e = assertThrows(AssertionError.class,
        () -> Harness.invoke(h.instance, "product", idx, vals, shape, b));
    assertEquals("sparseMatmul: nonzero 1 at (2, 4) is out of range for a sparse matrix of shape [3, 4]",
        e.getCause().getMessage());
  }

  /**
   * A sparse input's three placeholders are one {@code SparseNDArray} parameter of the facade,
   * unpacked and checked before the kernels run; symbolic rows are bound from its dense shape.
   */
  @Test
  void facadeTakesASparseNDArray() {
    Harness h = new Harness("SparseFacade");
    List<Node> a = Emit.sparsePlaceholder(h.b, "adjacency", DType.F32, Dim.symbol("batch"), Dim.of(4));
    h.inputs.addAll(a);
    Node w = h.param("w", DType.F32, 4, 3);
    h.fetch("product", Emit.sparseMatmul(h.b, a.get(0), a.get(1), a.get(2), w, false));
    h.compile();
    // Row 0 holds (0, 1) twice (they add up), row 1 is empty, row 2 holds (2, 3).
    SparseNDArray s = SparseNDArray.of(new long[] {0, 1, 0, 1, 2, 3}, new float[] {1, 2, 3}, 3, 4);
    NDArray out = (NDArray) Harness.invoke(h.instance, "product", s);
    Interpreter interp = new Interpreter(
        Map.of("adjacency/indices", Harness.toValue(s.indices()), "adjacency/values", Harness.toValue(s.values()),
            "adjacency/shape", Harness.toValue(s.shapeWitness())),
        Map.of("w", Harness.toValue(h.variables().get("w"))));
    Value expected = interp.run(h.fetches.get("product"));
    Harness.compare("product", expected, out);
    float[] wv = h.variables().get("w").floats();
    assertEquals(3 * wv[3], out.floats()[0], 1e-5);
    assertEquals(0, out.floats()[3]);
    // A coordinate outside the dense shape, and a dense shape of the wrong width, name the input.
    SparseNDArray outside = SparseNDArray.of(new long[] {3, 0}, new float[] {1}, 3, 4);
    AssertionError e = assertThrows(AssertionError.class, () -> Harness.invoke(h.instance, "product", outside));
    assertEquals("sparse input 'adjacency': nonzero 0 at (3, 0) is out of range for its dense shape [3, 4]",
        e.getCause().getMessage());
    SparseNDArray wide = SparseNDArray.of(new long[] {0, 0}, new float[] {1}, 3, 5);
    e = assertThrows(AssertionError.class, () -> Harness.invoke(h.instance, "product", wide));
    assertEquals(IllegalArgumentException.class, e.getCause().getClass());
    org.junit.jupiter.api.Assertions.assertTrue(e.getCause().getMessage().contains("adjacency/shape"),
        e.getCause().getMessage());
  }
}

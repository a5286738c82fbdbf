package dev.kiln.compiler.ops;

import static dev.kiln.compiler.ops.OpTesting.BATCH;
import static dev.kiln.compiler.ops.OpTesting.assertShapeError;
import static dev.kiln.compiler.ops.OpTesting.assertValue;
import static dev.kiln.compiler.ops.OpTesting.d;
import static dev.kiln.compiler.ops.OpTesting.dims;
import static dev.kiln.compiler.ops.OpTesting.eval;
import static dev.kiln.compiler.ops.OpTesting.f64;
import static dev.kiln.compiler.ops.OpTesting.of;
import static dev.kiln.compiler.ops.OpTesting.ph;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.dsl.DType;
import org.junit.jupiter.api.Test;

/** SparseMatMul, SparseMatMulValuesGrad, SparseToDense and SparseGather (COO sparse matrices). */
class SparseOpsTest {
  /**
   * A 3×4 sparse matrix with a repeated coordinate (0, 1) twice, which must add up, and an empty
   * row 1: dense form [[0, 3, 0, 4], [0, 0, 0, 0], [5, 0, 0, 0]].
   */
  private static final double[] COORDS = {0, 1, 2, 0, 0, 3, 0, 1};
  private static final Value VALUES = f64(dims(4), 1, 5, 4, 2);
  private static final Value B = f64(dims(4, 2), 1, 2, 3, 4, 5, 6, 7, 8);

  private static Node indices(GraphBuilder b) {
    return Emit.constant(b, DType.I64, Shape.of(4, 2), COORDS);
  }

  private static Node witness(GraphBuilder b, int rows, int cols) {
    return Emit.constant(b, DType.I64, Shape.of(rows, cols, 0));
  }

  @Test
  void toDenseSumsRepeatedCoordinates() {
    assertValue(f64(dims(3, 4), 0, 3, 0, 4, 0, 0, 0, 0, 5, 0, 0, 0),
        eval((b, xs) -> Emit.sparseToDense(b, indices(b), xs.get(0), witness(b, 3, 4)), VALUES));
  }

  @Test
  void matmulMatchesTheDenseProduct() {
    // [[0,3,0,4],[0,0,0,0],[5,0,0,0]] × [[1,2],[3,4],[5,6],[7,8]]
    assertValue(f64(dims(3, 2), 37, 44, 0, 0, 5, 10),
        eval((b, xs) -> Emit.sparseMatmul(b, indices(b), xs.get(0), witness(b, 3, 4), xs.get(1), false),
            VALUES, B));
    // Aᵀ [4, 3] × [3, 2]
    Value c = f64(dims(3, 2), 1, 2, 3, 4, 5, 6);
    assertValue(f64(dims(4, 2), 25, 30, 3, 6, 0, 0, 4, 8),
        eval((b, xs) -> Emit.sparseMatmul(b, indices(b), xs.get(0), witness(b, 3, 4), xs.get(1), true),
            VALUES, c));
  }

  @Test
  void gradientsMatchCentralDifferences() {
    GradientCheck.check((b, xs) -> Emit.sparseMatmul(b, indices(b), xs.get(0), witness(b, 3, 4), xs.get(1), false),
        GradientCheck.uniform(70, -1, 1, 4), GradientCheck.uniform(71, -1, 1, 4, 2));
    GradientCheck.check((b, xs) -> Emit.sparseMatmul(b, indices(b), xs.get(0), witness(b, 3, 4), xs.get(1), true),
        GradientCheck.uniform(72, -1, 1, 4), GradientCheck.uniform(73, -1, 1, 3, 5));
    GradientCheck.check((b, xs) -> Emit.sparseToDense(b, indices(b), xs.get(0), witness(b, 3, 4)),
        GradientCheck.uniform(74, -1, 1, 4));
    GradientCheck.check((b, xs) -> Emit.sparseGather(b, indices(b), witness(b, 3, 4), xs.get(0)),
        GradientCheck.uniform(75, -1, 1, 3, 4));
    for (boolean adjoint : new boolean[] {false, true}) {
      GradientCheck.check((b, xs) -> Emit.sparseMatmulValuesGrad(b, indices(b), witness(b, 3, 4),
              xs.get(0), xs.get(1), adjoint),
          GradientCheck.uniform(76, -1, 1, adjoint ? 4 : 3, 2),
          GradientCheck.uniform(77, -1, 1, adjoint ? 3 : 4, 2));
    }
  }

  @Test
  void valuesGradientIsPerNonzeroDotProduct() {
    // g = ones [3, 2]: each nonzero (i, j) gets sum_k B[j, k]; the repeated (0, 1) gets it twice over.
    Value g = f64(dims(3, 2), 1, 1, 1, 1, 1, 1);
    assertValue(f64(dims(4), 7, 3, 15, 7),
        eval((b, xs) -> Emit.sparseMatmulValuesGrad(b, indices(b), witness(b, 3, 4), xs.get(0), xs.get(1), false),
            g, B));
  }

  @Test
  void symbolicRowsAndShapeErrors() {
    GraphBuilder b = new GraphBuilder();
    Node idx = ph(b, DType.I64, d(7), d(2));
    Node vals = ph(b, DType.F32, 7);
    Node w = ph(b, DType.I64, BATCH, d(50), d(0));
    Node dense = ph(b, DType.F32, 50, 8);
    assertEquals(Shape.of(BATCH, d(8)), Emit.sparseMatmul(b, idx, vals, w, dense, false).shape());
    assertEquals(Shape.of(d(50), d(8)),
        Emit.sparseMatmul(b, idx, vals, w, ph(b, DType.F32, BATCH, d(8)), true).shape());
    assertEquals(Shape.of(BATCH, d(50)), Emit.sparseToDense(b, idx, vals, w).shape());
    assertShapeError("sparseMatmul: cannot multiply the sparse [batch, 50] by [40, 8]: inner dimensions 50 and 40 differ",
        () -> Emit.sparseMatmul(b, idx, vals, w, ph(b, DType.F32, 40, 8), false));
    assertShapeError("sparseMatmul: expects sparse indices of shape [nnz, 2] and dtype i64, got f32[7, 2]",
        () -> Emit.sparseMatmul(b, ph(b, DType.F32, 7, 2), vals, w, dense, false));
    assertShapeError("sparseMatmul: expects floating-point sparse values of shape [7] to match indices [7, 2], got f32[6]",
        () -> Emit.sparseMatmul(b, idx, ph(b, DType.F32, 6), w, dense, false));
    assertShapeError("sparseMatmul: expects a dense f32 matrix to multiply the sparse [batch, 50] by, got f64[50, 8]",
        () -> Emit.sparseMatmul(b, idx, vals, w, ph(b, DType.F64, 50, 8), false));
  }

  @Test
  void outOfRangeIndexIsAnErrorAtRunTime() {
    var e = assertThrows(IndexOutOfBoundsException.class, () -> eval((b, xs) -> Emit.sparseMatmul(b,
            Emit.constant(b, DType.I64, Shape.of(1, 2), 3, 0), xs.get(0), witness(b, 3, 4), xs.get(1), false),
        f64(dims(1), 1), B));
    assertEquals("sparseMatmul: nonzero 0 at (3, 0) is out of range for a sparse matrix of shape [3, 4]",
        e.getMessage());
  }

  @Test
  void emptySparseMatrixGivesZeros() {
    assertValue(f64(dims(3, 2), 0, 0, 0, 0, 0, 0),
        eval((b, xs) -> Emit.sparseMatmul(b, Emit.constant(b, DType.I64, Shape.of(0, 2)), xs.get(0),
            witness(b, 3, 4), xs.get(1), false), of(DType.F64, dims(0)), B));
  }
}

package dev.kiln.compiler.ops;

import static dev.kiln.compiler.ops.OpTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.dsl.DType;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Batched matmul, transpose/permute and matrixInverse. */
class MatrixOpsTest {
  @Test
  void batchedMatmulMultipliesEachBatch() {
    Value a = f64(dims(2, 1, 2), 1, 2, 3, 4);
    Value b = f64(dims(2, 2, 1), 5, 6, 7, 8);
    assertValue(f64(dims(2, 1, 1), 17, 53), eval((g, xs) -> Emit.matmul(g, xs.get(0), xs.get(1), false, false), a, b));
  }

  @ParameterizedTest(name = "transposeA={0} transposeB={1}")
  @CsvSource({"false,false", "true,false", "false,true", "true,true"})
  void batchedMatmulGradient(boolean ta, boolean tb) {
    int[] aShape = ta ? dims(2, 4, 3) : dims(2, 3, 4);
    int[] bShape = tb ? dims(2, 2, 4) : dims(2, 4, 2);
    GradientCheck.check((g, xs) -> Emit.matmul(g, xs.get(0), xs.get(1), ta, tb),
        GradientCheck.uniform(41, -1, 1, aShape), GradientCheck.uniform(42, -1, 1, bShape));
  }

  @Test
  void batchedMatmulWithSymbolicBatch() {
    GradientCheck.check((g, xs) -> Emit.matmul(g, xs.get(0), xs.get(1), false, true),
        List.of(Shape.of(BATCH, d(2), d(3)), Shape.of(BATCH, d(4), d(3))),
        GradientCheck.uniform(43, -1, 1, 2, 2, 3), GradientCheck.uniform(44, -1, 1, 2, 4, 3));
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(5), d(2), d(3));
    assertEquals(Shape.of(BATCH, d(5), d(2), d(2)), Emit.matmul(b, x, x, false, true).shape());
    assertShapeError("matmul: the batch dimensions of [batch, 5, 2, 3] and [4, 5, 3, 2] differ",
        () -> Emit.matmul(b, x, ph(b, DType.F32, 4, 5, 3, 2), false, false));
    assertShapeError("matmul: a batched product expects two tensors of equal rank of at least 3,"
        + " got shapes [batch, 5, 2, 3] and [3, 2]", () -> Emit.matmul(b, x, ph(b, DType.F32, 3, 2), false, false));
    assertShapeError("matmul: cannot multiply [batch, 5, 2, 3] by [batch, 5, 2, 3]: inner dimensions 3 and 2 differ",
        () -> Emit.matmul(b, x, x, false, false));
  }

  @Test
  void transposeAndPermute() {
    Value m = f64(dims(2, 3), 1, 2, 3, 4, 5, 6);
    assertValue(f64(dims(3, 2), 1, 4, 2, 5, 3, 6), eval((b, xs) -> Emit.transpose(b, xs.get(0)), m));
    Value t = f64(dims(2, 3, 2), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    // out[k][i][j] = t[i][j][k]
    assertValue(f64(dims(2, 2, 3), 0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11),
        eval((b, xs) -> Emit.permute(b, xs.get(0), 2, 0, 1), t));
    GradientCheck.check((b, xs) -> Emit.permute(b, xs.get(0), 1, 2, 0), GradientCheck.uniform(45, -1, 1, 2, 3, 4));
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(3), d(4));
    assertEquals(Shape.of(d(4), BATCH, d(3)), Emit.permute(b, x, 2, 0, 1).shape());
    assertShapeError("permute: [0, 0, 1] is not a permutation of the 3 axes of shape [batch, 3, 4]",
        () -> Emit.permute(b, x, 0, 0, 1));
    assertShapeError("transpose: expects a matrix, got shape [batch, 3, 4]; use permute(x, perm) for other ranks",
        () -> Emit.transpose(b, x));
  }

  @Test
  void matrixInverseNeedsPivoting() {
    // A zero in the top-left corner: elimination without row exchanges would divide by zero.
    Value a = f64(dims(2, 2), 0, 1, 2, 3);
    assertValue(f64(dims(2, 2), -1.5, 0.5, 1, 0), eval((b, xs) -> Emit.matrixInverse(b, xs.get(0)), a));
    Value r = eval((b, xs) -> Emit.matmul(b, xs.get(0), Emit.matrixInverse(b, xs.get(0)), false, false),
        f64(dims(3, 3), 2, -1, 0, -1, 2, -1, 0, -1, 2));
    for (int i = 0; i < 9; i++) {
      assertEquals(i % 4 == 0 ? 1 : 0, r.get(i), 1e-12);
    }
  }

  @Test
  void matrixInverseGradientAndErrors() {
    Value a = f64(dims(3, 3), 4, 1, 0.5, -1, 3, 0.2, 0.3, 0.1, 2);
    GradientCheck.check((b, xs) -> Emit.matrixInverse(b, xs.get(0)), a);
    GraphBuilder b = new GraphBuilder();
    assertShapeError("matrixInverse: expects a square matrix, got shape [2, 3]",
        () -> Emit.matrixInverse(b, ph(b, DType.F32, 2, 3)));
    assertShapeError("matrixInverse: expects a floating-point tensor, got i32[2, 2]",
        () -> Emit.matrixInverse(b, ph(b, DType.I32, 2, 2)));
  }
}

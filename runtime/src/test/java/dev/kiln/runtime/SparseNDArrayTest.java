package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.dsl.DType;
import org.junit.jupiter.api.Test;

class SparseNDArrayTest {
  @Test
  void wrapsCoordinatesAndValuesWithAShapeWitness() {
    SparseNDArray a = SparseNDArray.of(new long[] {0, 1, 2, 3, 0, 1}, new float[] {1, 2, 3}, 3, 4);
    assertEquals(3, a.nnz());
    assertArrayEquals(new int[] {3, 2}, a.indices().shape());
    assertArrayEquals(new int[] {3, 4, 0}, a.shapeWitness().shape());
    assertEquals(DType.I64, a.shapeWitness().dtype());
    assertSame(a, SparseNDArray.check("adjacency", a));
    assertEquals("SparseNDArray[3, 4] with 3 f32 values", a.toString());
  }

  @Test
  void inconsistentPartsAndOutOfRangeCoordinatesAreClearErrors() {
    var odd = assertThrows(IllegalArgumentException.class,
        () -> SparseNDArray.of(new long[] {0, 1, 2}, new float[] {1}, 3, 4));
    assertEquals("a sparse tensor's coordinates come in (row, column) pairs, got 3 numbers", odd.getMessage());
    var nnz = assertThrows(IllegalArgumentException.class,
        () -> SparseNDArray.of(new long[] {0, 1, 2, 3}, new float[] {1}, 3, 4));
    assertEquals("a sparse tensor has 2 coordinates but values of shape [1]; expected [2]", nnz.getMessage());
    SparseNDArray out = SparseNDArray.of(new long[] {0, 1, 3, 0}, new float[] {1, 2}, 3, 4);
    var range = assertThrows(IllegalArgumentException.class, () -> SparseNDArray.check("adjacency", out));
    assertEquals("sparse input 'adjacency': nonzero 1 at (3, 0) is out of range for its dense shape [3, 4]",
        range.getMessage());
    var none = assertThrows(IllegalArgumentException.class, () -> SparseNDArray.check("adjacency", null));
    assertEquals("sparse input 'adjacency' is null", none.getMessage());
  }
}

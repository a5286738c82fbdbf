package dev.kiln.runtime;

import dev.kiln.dsl.DType;
import java.util.Arrays;
import java.util.Objects;

/**
 * A host sparse matrix in COO form, what a model's {@code @Input SparseTensor} is fed with
 * (TensorFlow's {@code SparseTensor}): i64 {@code indices [nnz, 2]} (row, column of each nonzero),
 * {@code values [nnz]} (f32 or f64) and the dense shape {@code [rows, cols]}. Coordinates may come
 * in any order and may repeat: repeated ones add up. The arrays are shared, not copied.
 *
 * <p>The constructor checks that the parts agree; {@link #check} (which the generated facade calls
 * with the input's name) also checks every coordinate against the dense shape.
 */
public final class SparseNDArray {
  private final NDArray indices;
  private final NDArray values;
  private final int rows;
  private final int cols;

  private SparseNDArray(NDArray indices, NDArray values, int rows, int cols) {
    this.indices = Objects.requireNonNull(indices, "indices");
    this.values = Objects.requireNonNull(values, "values");
    if (indices.dtype() != DType.I64 || indices.rank() != 2 || indices.dim(1) != 2) {
      throw new IllegalArgumentException("a sparse tensor's indices must be i64 [nnz, 2], got "
          + indices.dtype().label() + Arrays.toString(indices.shape()));
    }
    if (values.rank() != 1 || values.dim(0) != indices.dim(0)) {
      throw new IllegalArgumentException("a sparse tensor has " + indices.dim(0)
          + " coordinates but values of shape " + Arrays.toString(values.shape()) + "; expected ["
          + indices.dim(0) + "]");
    }
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("a sparse tensor's dense shape [" + rows + ", " + cols
          + "] has a negative dimension");
    }
    this.rows = rows;
    this.cols = cols;
  }

  /** Wraps COO parts: {@code indices} i64 [nnz, 2], {@code values} [nnz], dense shape [rows, cols]. */
  public static SparseNDArray of(NDArray indices, NDArray values, int rows, int cols) {
    return new SparseNDArray(indices, values, rows, cols);
  }

  /**
   * Wraps flat coordinates {@code {r0, c0, r1, c1, ...}} and their f32 values; e.g. a bag of
   * words: row = example, column = word id, value = count.
   */
  public static SparseNDArray of(long[] coordinates, float[] values, int rows, int cols) {
    Objects.requireNonNull(coordinates, "coordinates");
    if (coordinates.length % 2 != 0) {
      throw new IllegalArgumentException("a sparse tensor's coordinates come in (row, column) pairs, got "
          + coordinates.length + " numbers");
    }
    return new SparseNDArray(NDArray.of(coordinates, coordinates.length / 2, 2),
        NDArray.of(values, Objects.requireNonNull(values, "values").length), rows, cols);
  }

  /** The coordinates, i64 [nnz, 2]. */
  public NDArray indices() {
    return indices;
  }

  /** The values at the coordinates, [nnz]. */
  public NDArray values() {
    return values;
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** The number of stored coordinates (repeats included). */
  public int nnz() {
    return indices.dim(0);
  }

  /**
   * The dense shape as the compiled model reads it: an i64 array of shape [rows, cols, 0], no
   * elements, whose dims are checked and bound like any fed tensor's.
   */
  public NDArray shapeWitness() {
    return NDArray.zeros(DType.I64, rows, cols, 0);
  }

  /**
   * {@code value}, after checking that it is present and that every coordinate lies inside its
   * dense shape; otherwise an {@link IllegalArgumentException} naming {@code input}.
   */
  public static SparseNDArray check(String input, SparseNDArray value) {
    if (value == null) {
      throw new IllegalArgumentException("sparse input '" + input + "' is null");
    }
    long[] c = value.indices.longs();
    for (int e = 0; e < value.nnz(); e++) {
      long r = c[2 * e];
      long col = c[2 * e + 1];
      if (r < 0 || r >= value.rows || col < 0 || col >= value.cols) {
        throw new IllegalArgumentException("sparse input '" + input + "': nonzero " + e + " at (" + r + ", "
            + col + ") is out of range for its dense shape [" + value.rows + ", " + value.cols + "]");
      }
    }
    return value;
  }

  @Override
  public String toString() {
    return "SparseNDArray[" + rows + ", " + cols + "] with " + nnz() + " " + values.dtype().label() + " values";
  }
}

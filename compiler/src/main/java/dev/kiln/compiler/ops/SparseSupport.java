package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.dsl.DType;

/**
 * A COO sparse matrix in the IR is three ordinary nodes (so every pass and the interpreter treat
 * it like any other values): {@code indices} i64 {@code [nnz, 2]} (row, column of each nonzero),
 * {@code values} {@code [nnz]} and a <em>shape witness</em>: a tensor of shape
 * {@code [rows, cols, 0]}, holding no elements, whose shape is the dense shape. A witness rather
 * than an i64 vector because its dims (static or symbolic, e.g. {@code batch}) then take part in
 * shape inference and are checked and bound at run time like any fed tensor's. Repeated
 * coordinates add up, as in TensorFlow's {@code sparse_tensor_dense_matmul}.
 */
final class SparseSupport {
  private SparseSupport() {}

  /** Checks indices {@code [nnz, 2]} of i32/i64 and the witness; returns the dense shape. */
  static Shape denseShape(String op, TensorType indices, TensorType witness) {
    if ((indices.dtype() != DType.I64 && indices.dtype() != DType.I32) || indices.rank() != 2
        || !indices.shape().dim(1).equals(Dim.of(2))) {
      throw new ShapeError(op + ": expects sparse indices of shape [nnz, 2] and dtype i64, got " + indices);
    }
    if (witness.rank() != 3 || !witness.shape().dim(2).equals(Dim.of(0))) {
      throw new ShapeError(op + ": expects a sparse shape witness of shape [rows, cols, 0], got " + witness);
    }
    return Shape.of(witness.shape().dim(0), witness.shape().dim(1));
  }

  /** Checks floating values {@code [nnz]} against indices {@code [nnz, 2]}. */
  static void checkValues(String op, TensorType indices, TensorType values) {
    if (!values.dtype().isFloating() || values.rank() != 1
        || !values.shape().dim(0).equals(indices.shape().dim(0))) {
      throw new ShapeError(op + ": expects floating-point sparse values of shape ["
          + indices.shape().dim(0) + "] to match indices " + indices.shape() + ", got " + values);
    }
  }

  /** The sparse matrix as the user sees it in messages: {@code the sparse [batch, 50]ᵀ}. */
  static String describe(Shape dense, boolean adjoint) {
    return "the sparse " + dense + (adjoint ? "ᵀ" : "");
  }

  /**
   * Row (axis 0) or column (axis 1) of nonzero {@code e}, checked against the dense shape; out of
   * range is an {@link IndexOutOfBoundsException} with the same words as the Java kernels'.
   */
  static int coord(String op, Value indices, int e, int axis, int rows, int cols) {
    double i = indices.get(2 * e);
    double j = indices.get(2 * e + 1);
    if (!(i >= 0 && i < rows && j >= 0 && j < cols)) {
      throw new IndexOutOfBoundsException(op + ": nonzero " + e + " at (" + (long) i + ", " + (long) j
          + ") is out of range for a sparse matrix of shape [" + rows + ", " + cols + "]");
    }
    return (int) (axis == 0 ? i : j);
  }
}

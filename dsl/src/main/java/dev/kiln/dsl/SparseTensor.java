package dev.kiln.dsl;

/**
 * A symbolic sparse matrix in a {@link Model} (TensorFlow's {@code SparseTensor}), in COO form:
 * the coordinates of its nonzeros (i64 {@code [nnz, 2]}), their values ({@code [nnz]}) and its
 * dense shape {@code [rows, cols]}. Declared as {@code @Input SparseTensor a = sparsePlaceholder(F32,
 * BATCH, 1000)}; fed at run time as a {@code dev.kiln.runtime.SparseNDArray}. Repeated coordinates
 * add up. Only {@link Ops#sparseMatmul} and {@link Ops#sparseToDense} take one; it has no methods.
 */
public final class SparseTensor {
  private SparseTensor() {
    throw new NotCompiled();
  }
}

package dev.kiln.processor.eval;

import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.processor.eval.Call.FieldRole;
import dev.kiln.processor.eval.Value.DimValue;
import dev.kiln.processor.eval.Value.SparseValue;
import dev.kiln.processor.eval.Value.TensorValue;
import java.util.List;

/**
 * The DSL's sparse matrices: {@code sparsePlaceholder} (an {@code @Input SparseTensor}, three
 * placeholders), {@code sparseMatmul} and {@code sparseToDense}.
 */
final class SparseCalls {
  private SparseCalls() {}

  static Value placeholder(Call c) {
    if (c.fieldRole != FieldRole.INPUT) {
      throw c.error("sparsePlaceholder(...) may only initialize an @Input field; declare the input as"
          + " a field '@Input SparseTensor a = sparsePlaceholder(...)' and use the field");
    }
    c.arity(3, 3);
    var dtype = c.dtype(0);
    if (!dtype.isFloating()) {
      throw c.errorAt(0, c.written + ": a sparse tensor's values must be floating-point, got " + dtype.label());
    }
    Dim rows = c.dim(1);
    Dim cols = Dim.of(size(c, 2));
    List<Node> parts = Emit.sparsePlaceholder(c.b, c.fieldName, dtype, rows, cols);
    return new SparseValue(parts.get(0), parts.get(1), parts.get(2));
  }

  private static long size(Call c, int i) {
    if (c.raw(i) instanceof DimValue d) {
      throw c.errorAt(i, c.written + ": only the rows of a sparse tensor may be symbolic, got "
          + d.describe() + " for its columns");
    }
    return c.positiveSize(i);
  }

  /** Argument {@code i} as a sparse tensor, or an error saying what was passed instead. */
  static SparseValue sparse(Call c, int i) {
    if (c.raw(i) instanceof SparseValue s) {
      return s;
    }
    throw c.errorAt(i, c.written + ": argument " + (i + 1) + " must be a SparseTensor (an @Input"
        + " SparseTensor field), got " + c.raw(i).describe());
  }

  static Value matmul(Call c) {
    c.arity(2, 3);
    SparseValue a = sparse(c, 0);
    Node dense = c.tensor(1);
    boolean adjoint = c.count() == 3 && c.bool(2);
    return new TensorValue(Emit.sparseMatmul(c.b, a.indices(), a.values(), a.shape(), dense, adjoint));
  }

  static Value toDense(Call c) {
    c.arity(1, 1);
    SparseValue a = sparse(c, 0);
    return new TensorValue(Emit.sparseToDense(c.b, a.indices(), a.values(), a.shape()));
  }
}

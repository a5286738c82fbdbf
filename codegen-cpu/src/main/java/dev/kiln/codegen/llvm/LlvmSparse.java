package dev.kiln.codegen.llvm;

import dev.kiln.codegen.kernel.Buffer;
import dev.kiln.codegen.kernel.Kernel;
import dev.kiln.codegen.kernel.Size;
import dev.kiln.dsl.DType;

/**
 * The COO sparse-matrix kernels of the LLVM backend: SparseMatMul, SparseMatMulValuesGrad,
 * SparseToDense and SparseGather. Each walks the nonzeros once, in order, with the arithmetic of
 * the reference and the Java backend's {@code SparseKernels}: products and sums in double, rounded
 * once at the end, so repeated coordinates add up to the same bits. The walk is serial: a sparse
 * input is a few nonzeros per row, and splitting it over threads would make two chunks add into
 * one output row.
 *
 * <p>A coordinate outside the dense shape (row and column each one unsigned compare) touches no
 * memory: its product is skipped, its element of a per-nonzero result is zero, and the first one
 * is recorded in the entry's status ({@link LlvmEmitter}), from which the caller throws the
 * reference's sentence.
 */
final class LlvmSparse {
  private LlvmSparse() {}

  /** Status op codes, after gather's 1 and scatterAdd's 2: the op the reference names. */
  static final int MATMUL_STATUS = 3;
  static final int TO_DENSE_STATUS = 4;
  static final int GATHER_STATUS = 5;

  /** One nonzero's coordinate (i64 values) and whether it lies inside the dense shape. */
  private record Coordinate(String row, String col, String ok) {}

  /** The sizes every kernel reads, computed once before the loops. */
  private record Dense(String nnz, String rows, String cols) {}

  /** Renders {@code k} into {@code f}; {@code status} is the entry's status global. */
  static String kernel(LlvmFunction f, Kernel.Sparse k, String status) {
    Dense d = new Dense(f.size(Size.of(k.nnz())), f.size(Size.of(k.rows())), f.size(Size.of(k.cols())));
    f.comment(switch (k.op()) {
      case MATMUL -> "op(sparse) x dense, row by row over the nonzeros, in double";
      case MATMUL_VALUES_GRAD -> "per nonzero (i, j): row i of g . row j of dense, in double";
      case TO_DENSE -> "zeros with each value added at its coordinate, in double";
      case GATHER -> "dense[row, col] at each nonzero's coordinate";
    });
    switch (k.op()) {
      case MATMUL -> matmul(f, k, d, status);
      case MATMUL_VALUES_GRAD -> valuesGrad(f, k, d, status);
      case TO_DENSE -> toDense(f, k, d, status);
      case GATHER -> gather(f, k, d, status);
    }
    return LlvmEmitter.lowerFirst(k.node().op().name());
  }

  /** The kernel parameter holding {@code b} (inputs are {@code %in0...} in {@code inputs()} order). */
  private static String param(Kernel.Sparse k, Buffer b) {
    return "%in" + k.inputs().indexOf(b);
  }

  /** {@code acc[i, k] += v · dense[j, k]} for each nonzero (i, j) of op(A); rounded into out. */
  private static void matmul(LlvmFunction f, Kernel.Sparse k, Dense d, String status) {
    DType t = k.out().dtype();
    String values = param(k, k.operands().get(0));
    String dense = param(k, k.operands().get(1));
    String n = f.size(Size.of(k.width()));
    String acc = accumulator(f, t, f.size(k.out().size()));
    String e = f.loop("e", d.nnz());
    Coordinate c = coordinate(f, k, e, d);
    String end = f.ifThen(c.ok());
    String i = k.adjoint() ? c.col() : c.row();
    String j = k.adjoint() ? c.row() : c.col();
    String v = LlvmTable.cast(f, t, DType.F64, f.loadElement(t, values, e));
    String to = f.madd(i, n, null);
    String from = f.madd(j, n, null);
    String col = f.loop("k", n);
    String x = LlvmTable.cast(f, t, DType.F64, f.loadElement(t, dense, f.let("idx", "add nsw i64 " + from + ", " + col)));
    String slot = f.gep("double", acc, f.let("idx", "add nsw i64 " + to + ", " + col));
    String product = f.let("prod", "fmul double " + v + ", " + x);
    f.store("double", f.let("sum", "fadd double " + f.load("double", slot) + ", " + product), slot);
    f.endLoop();
    f.endIf(end);
    report(f, status, MATMUL_STATUS, e, c, d, null);
    f.endLoop();
    finish(f, t, acc, f.size(k.out().size()));
  }

  /** {@code out[e] = Σ_k g[i, k] · dense[j, k]} for nonzero e at (i, j) of op(A); zero when outside. */
  private static void valuesGrad(LlvmFunction f, Kernel.Sparse k, Dense d, String status) {
    DType t = k.out().dtype();
    String g = param(k, k.operands().get(0));
    String dense = param(k, k.operands().get(1));
    String n = f.size(Size.of(k.width()));
    String e = f.loop("e", d.nnz());
    Coordinate c = coordinate(f, k, e, d);
    String dot = f.var("dot", "double", "0.0");
    String end = f.ifThen(c.ok());
    String i = k.adjoint() ? c.col() : c.row();
    String j = k.adjoint() ? c.row() : c.col();
    String gRow = f.madd(i, n, null);
    String dRow = f.madd(j, n, null);
    String col = f.loop("k", n);
    String a = LlvmTable.cast(f, t, DType.F64, f.loadElement(t, g, f.let("idx", "add nsw i64 " + gRow + ", " + col)));
    String b = LlvmTable.cast(f, t, DType.F64, f.loadElement(t, dense, f.let("idx", "add nsw i64 " + dRow + ", " + col)));
    String product = f.let("prod", "fmul double " + a + ", " + b);
    f.store("double", f.let("sum", "fadd double " + f.load("double", dot) + ", " + product), dot);
    f.endLoop();
    f.endIf(end);
    f.storeElement(t, "%out", e, LlvmTable.cast(f, DType.F64, t, f.load("double", dot)));
    report(f, status, MATMUL_STATUS, e, c, d, null);
    f.endLoop();
  }

  /** {@code acc[r, c] += values[e]}; rounded into out. */
  private static void toDense(LlvmFunction f, Kernel.Sparse k, Dense d, String status) {
    DType t = k.out().dtype();
    String values = param(k, k.operands().get(0));
    String acc = accumulator(f, t, f.size(k.out().size()));
    String e = f.loop("e", d.nnz());
    Coordinate c = coordinate(f, k, e, d);
    String end = f.ifThen(c.ok());
    String slot = f.gep("double", acc, f.madd(c.row(), d.cols(), c.col()));
    String v = LlvmTable.cast(f, t, DType.F64, f.loadElement(t, values, e));
    f.store("double", f.let("sum", "fadd double " + f.load("double", slot) + ", " + v), slot);
    f.endIf(end);
    report(f, status, TO_DENSE_STATUS, e, c, d, null);
    f.endLoop();
    finish(f, t, acc, f.size(k.out().size()));
  }

  /** {@code out[e] = dense[r, c]} (storage moved unchanged); zero when outside. */
  private static void gather(LlvmFunction f, Kernel.Sparse k, Dense d, String status) {
    DType t = k.out().dtype();
    String st = LlvmTypes.storage(t);
    String dense = param(k, k.operands().get(0));
    String e = f.loop("e", d.nnz());
    Coordinate c = coordinate(f, k, e, d);
    String end = f.ifThen(c.ok());
    String at = f.madd(c.row(), d.cols(), c.col());
    f.store(st, f.load(st, f.gep(st, dense, at)), f.gep(st, "%out", e));
    f.endIf(end);
    String zero = st.equals("float") || st.equals("double") ? LlvmTypes.literal(t, 0) : "0";
    report(f, status, GATHER_STATUS, e, c, d, () -> f.store(st, zero, f.gep(st, "%out", e)));
    f.endLoop();
  }

  /** Nonzero e's row and column as i64 (an i32 index sign-extended) and their range check. */
  private static Coordinate coordinate(LlvmFunction f, Kernel.Sparse k, String e, Dense d) {
    DType it = k.indices().dtype();
    String at = f.let("at", "shl nsw i64 " + e + ", 1");
    String r = LlvmTable.cast(f, it, DType.I64, f.loadElement(it, "%in0", at));
    String c = LlvmTable.cast(f, it, DType.I64, f.loadElement(it, "%in0", f.let("at", "add nsw i64 " + at + ", 1")));
    // Unsigned: a negative coordinate is huge, so one compare per axis checks both ends.
    String rowOk = f.let("row.ok", "icmp ult i64 " + r + ", " + d.rows());
    String colOk = f.let("col.ok", "icmp ult i64 " + c + ", " + d.cols());
    return new Coordinate(r, c, f.let("in.range", "and i1 " + rowOk + ", " + colOk));
  }

  /**
   * When nonzero e lies outside the dense shape: runs {@code alsoWhenBad} (null for nothing) and,
   * if no kernel of this call recorded one yet, stores {code, e, row, col, rows, cols} in the status.
   */
  private static void report(LlvmFunction f, String status, int code, String e, Coordinate c, Dense d,
      Runnable alsoWhenBad) {
    String endBad = f.ifThen(f.let("bad", "xor i1 " + c.ok() + ", true"));
    if (alsoWhenBad != null) {
      alsoWhenBad.run();
    }
    String endFresh = f.ifThen(f.let("fresh", "icmp eq i64 " + f.load("i64", status) + ", 0"));
    String[] record = {Integer.toString(code), e, c.row(), c.col(), d.rows(), d.cols()};
    for (int i = 0; i < record.length; i++) {
      f.store("i64", record[i], i == 0 ? status : f.gep("i64", status, Integer.toString(i)));
    }
    f.endIf(endFresh);
    f.endIf(endBad);
  }

  /**
   * A zeroed double array of {@code count} elements to add into: the output itself when it is
   * f64, else a heap scratch array that {@link #finish} rounds into the output and frees.
   */
  private static String accumulator(LlvmFunction f, DType t, String count) {
    Module m = f.module();
    m.declare("declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)");
    String bytes = f.madd(count, "8", null);
    String acc = "%out";
    if (t != DType.F64) {
      m.declare("declare noalias ptr @malloc(i64)");
      acc = f.let("acc", "call ptr @malloc(i64 " + bytes + ")");
    }
    f.emit("call void @llvm.memset.p0.i64(ptr " + acc + ", i8 0, i64 " + bytes + ", i1 false)");
    return acc;
  }

  /** Rounds a scratch accumulator into the output once and frees it (nothing for f64). */
  private static void finish(LlvmFunction f, DType t, String acc, String count) {
    if (acc.equals("%out")) {
      return;
    }
    String o = f.loop("o", count);
    f.storeElement(t, "%out", o, LlvmTable.cast(f, DType.F64, t, f.load("double", f.gep("double", acc, o))));
    f.endLoop();
    f.module().declare("declare void @free(ptr)");
    f.emit("call void @free(ptr " + acc + ")");
  }
}

package dev.kiln.codegen.java;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.compiler.ir.Node;
import dev.kiln.dsl.DType;
import java.util.List;

/**
 * Kernels of the COO sparse-matrix ops: SparseMatMul, SparseMatMulValuesGrad, SparseToDense and
 * SparseGather. A sparse matrix is indices {@code [nnz, 2]}, values {@code [nnz]} and a shape
 * witness {@code [rows, cols, 0]} whose dims (literals or bound symbols) are all the kernels read
 * of it. Each kernel walks the nonzeros once, checking every coordinate against the dense shape
 * (with the interpreter's message), and accumulates in double, rounding once at the end, so
 * repeated coordinates add up exactly as the reference does.
 */
final class SparseKernels {
  private SparseKernels() {}

  /** The sparse operand's rows and cols as int expressions, from the witness's dims. */
  private record Dense(String rows, String cols) {
    static Dense of(KernelMethod k, Node witness) {
      return new Dense(k.dim(witness.shape().dim(0)), k.dim(witness.shape().dim(1)));
    }
  }

  /** Reads nonzero e's coordinate into {@code r}, {@code c}; out of range throws. */
  private static void coordinates(CodeBlock.Builder c, String op, String idx, Dense d) {
    c.addStatement("long r = $L[2 * e]", idx);
    c.addStatement("long c = $L[2 * e + 1]", idx);
    c.beginControlFlow("if (r < 0 || r >= $L || c < 0 || c >= $L)", d.rows(), d.cols());
    c.addStatement("throw new $T($S + e + $S + r + $S + c + $S + $L + $S + $L + $S)",
        IndexOutOfBoundsException.class, op + ": nonzero ", " at (", ", ", ") is out of range for a sparse matrix of shape [",
        d.rows(), ", ", d.cols(), "]");
    c.endControlFlow();
  }

  /** {@code out[o] = round(acc[o])} and return. */
  private static void roundOut(CodeBlock.Builder c, Node node) {
    DType t = node.type().dtype();
    String et = JavaTypes.element(t).toString();
    c.addStatement("$L[] out = new $L[acc.length]", et, et);
    c.beginControlFlow("for (int o = 0; o < out.length; o++)");
    c.addStatement("out[o] = $L", JavaTypes.fromDouble(t, "acc[o]"));
    c.endControlFlow();
    c.addStatement("return out");
  }

  /** op(A) × dense: for each nonzero, its value times a row of dense added into a row of out. */
  static void matmul(KernelTable.EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    boolean adjoint = node.attrs().getBool("adjointA");
    String idx = k.input(node.input(0), inputs.get(0));
    String values = k.input(node.input(1), inputs.get(1));
    Dense d = Dense.of(k, node.input(2));
    String dense = k.input(node.input(3), inputs.get(3));
    String n = k.dim(node.shape().dim(1));
    CodeBlock.Builder c = k.code;
    c.add("// Row-wise accumulation over the nonzeros, in double; repeated coordinates add up.\n");
    c.addStatement("double[] acc = new double[$L]", k.size(node.shape()));
    c.beginControlFlow("for (int e = 0; e < $L.length; e++)", values);
    coordinates(c, "sparseMatmul", idx, d);
    c.addStatement("int i = (int) $L", adjoint ? "c" : "r");
    c.addStatement("int j = (int) $L", adjoint ? "r" : "c");
    c.addStatement("double v = $L[e]", values);
    c.beginControlFlow("for (int k = 0; k < $L; k++)", n);
    c.addStatement("acc[i * $L + k] += v * $L[j * $L + k]", KernelMethod.paren(n), dense, KernelMethod.paren(n));
    c.endControlFlow();
    c.endControlFlow();
    roundOut(c, node);
    ctx.call(k, "sparseMatmul", node, out, "sparse %s%s × %s %s -> %s".formatted(node.input(1).name(),
        adjoint ? "ᵀ" : "", node.input(3).name(), node.input(3).type(), node.type()));
  }

  /** Per nonzero (i, j): the dot product of row i of g and row j of dense (swapped when adjoint). */
  static void matmulValuesGrad(KernelTable.EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    boolean adjoint = node.attrs().getBool("adjointA");
    String idx = k.input(node.input(0), inputs.get(0));
    Dense d = Dense.of(k, node.input(1));
    String g = k.input(node.input(2), inputs.get(2));
    String dense = k.input(node.input(3), inputs.get(3));
    String n = k.dim(node.input(3).shape().dim(1));
    CodeBlock.Builder c = k.code;
    c.addStatement("double[] acc = new double[$L.length / 2]", idx);
    c.beginControlFlow("for (int e = 0; e < acc.length; e++)");
    coordinates(c, "sparseMatmul", idx, d);
    c.addStatement("int i = (int) $L", adjoint ? "c" : "r");
    c.addStatement("int j = (int) $L", adjoint ? "r" : "c");
    c.addStatement("double s = 0");
    c.beginControlFlow("for (int k = 0; k < $L; k++)", n);
    c.addStatement("s += (double) $L[i * $L + k] * $L[j * $L + k]", g, KernelMethod.paren(n), dense,
        KernelMethod.paren(n));
    c.endControlFlow();
    c.addStatement("acc[e] = s");
    c.endControlFlow();
    roundOut(c, node);
    ctx.call(k, "sparseMatmulValuesGrad", node, out, "d values of a sparse product from %s and %s -> %s"
        .formatted(node.input(2).name(), node.input(3).name(), node.type()));
  }

  /** Zeros with each value added at its coordinate. */
  static void toDense(KernelTable.EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    String idx = k.input(node.input(0), inputs.get(0));
    String values = k.input(node.input(1), inputs.get(1));
    Dense d = Dense.of(k, node.input(2));
    CodeBlock.Builder c = k.code;
    c.addStatement("double[] acc = new double[$L]", k.size(node.shape()));
    c.beginControlFlow("for (int e = 0; e < $L.length; e++)", values);
    coordinates(c, "sparseToDense", idx, d);
    c.addStatement("acc[(int) r * $L + (int) c] += $L[e]", KernelMethod.paren(d.cols()), values);
    c.endControlFlow();
    roundOut(c, node);
    ctx.call(k, "sparseToDense", node, out, "sparse %s as a dense %s".formatted(node.input(1).name(), node.type()));
  }

  /** dense[i, j] at each nonzero coordinate. */
  static void gather(KernelTable.EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    String idx = k.input(node.input(0), inputs.get(0));
    Dense d = Dense.of(k, node.input(1));
    String dense = k.input(node.input(2), inputs.get(2));
    String et = JavaTypes.element(node.type().dtype()).toString();
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L.length / 2]", et, et, idx);
    c.beginControlFlow("for (int e = 0; e < out.length; e++)");
    coordinates(c, "sparseGather", idx, d);
    c.addStatement("out[e] = $L[(int) r * $L + (int) c]", dense, KernelMethod.paren(d.cols()));
    c.endControlFlow();
    c.addStatement("return out");
    ctx.call(k, "sparseGather", node, out, "%s at the coordinates of %s -> %s".formatted(
        node.input(2).name(), node.input(0).name(), node.type()));
  }
}

package dev.kiln.codegen.java;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Node;
import dev.kiln.dsl.DType;
import java.util.List;

/** Kernels of BatchMatMul and MatrixInverse. */
final class MatrixKernels {
  private MatrixKernels() {}

  /** One i-p-j product per batch: each a[i, p] scales row p of b into row i of out. */
  static void batchMatMul(KernelTable.EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    Node an = node.input(0);
    Node bn = node.input(1);
    boolean ta = node.attrs().getBool("transposeA");
    boolean tb = node.attrs().getBool("transposeB");
    String a = k.input(an, inputs.get(0));
    String b = k.input(bn, inputs.get(1));
    List<Dim> dims = node.shape().dims();
    int r = dims.size();
    String batches = k.size(dims.subList(0, r - 2));
    String m = k.dim(dims.get(r - 2));
    String n = k.dim(dims.get(r - 1));
    String kk = k.dim(an.shape().dim(ta ? r - 2 : r - 1));
    String t = JavaTypes.element(node.type().dtype()).toString();
    String aBase = "q * " + KernelMethod.paren(m + " * " + kk);
    String bBase = "q * " + KernelMethod.paren(kk + " * " + n);
    String oBase = "q * " + KernelMethod.paren(m + " * " + n);
    String aAt = aBase + " + " + (ta ? "p * " + m + " + i" : "i * " + kk + " + p");
    String bAt = bBase + " + " + (tb ? "j * " + kk + " + p" : "p * " + n + " + j");
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L]", t, t, k.size(node.shape()));
    c.beginControlFlow("for (int q = 0; q < $L; q++)", batches);
    if (node.type().dtype() == DType.F32) {
      sgemmCall(c, ta, tb, m, n, kk, a, aBase, b, bBase, "out", oBase);
      c.endControlFlow();
      c.addStatement("return out");
      ctx.call(k, "batchMatMul", node, out, "%s%s %s × %s%s %s, batch by batch -> %s".formatted(
          an.name(), ta ? "ᵀ" : "", an.type(), bn.name(), tb ? "ᵀ" : "", bn.type(), node.type()));
      return;
    }
    c.beginControlFlow("for (int i = 0; i < $L; i++)", m);
    c.beginControlFlow("for (int p = 0; p < $L; p++)", kk);
    c.addStatement("$L av = $L[$L]", t, a, aAt);
    c.beginControlFlow("for (int j = 0; j < $L; j++)", n);
    c.addStatement("out[$L + i * $L + j] += av * $L[$L]", oBase, n, b, bAt);
    c.endControlFlow().endControlFlow().endControlFlow().endControlFlow();
    c.addStatement("return out");
    ctx.call(k, "batchMatMul", node, out, "%s%s %s × %s%s %s, batch by batch -> %s".formatted(
        an.name(), ta ? "ᵀ" : "", an.type(), bn.name(), tb ? "ᵀ" : "", bn.type(), node.type()));
  }

  /**
   * {@code out[outOff..] += op(a) · op(b)} through the runtime's f32 GEMM, which C2 vectorizes (a
   * loop written here would stay scalar: see {@code dev.kiln.runtime.kernels.Gemm}). The class is
   * named in full so that a model of the same simple name cannot shadow it.
   */
  static void sgemmCall(CodeBlock.Builder c, boolean ta, boolean tb, String m, String n, String k,
      String a, String aOff, String b, String bOff, String out, String outOff) {
    c.addStatement("dev.kiln.runtime.kernels.Gemm.sgemm($L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L)",
        ta, tb, m, n, k, a, aOff, b, bOff, out, outOff);
  }

  /**
   * Gauss-Jordan elimination with partial pivoting in double, the same steps as the reference;
   * a singular matrix gives infinities or NaN from the zero pivot.
   */
  static void matrixInverse(KernelTable.EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    Node xn = node.input(0);
    String x = k.input(xn, inputs.get(0));
    String n = k.dim(xn.shape().dim(0));
    DType t = node.type().dtype();
    String et = JavaTypes.element(t).toString();
    CodeBlock.Builder c = k.code;
    c.add("// m is a working copy of the matrix; acc becomes its inverse.\n");
    c.addStatement("double[] m = new double[$L * $L]", n, n);
    c.addStatement("double[] acc = new double[$L * $L]", n, n);
    c.beginControlFlow("for (int i = 0; i < $L; i++)", n);
    c.beginControlFlow("for (int j = 0; j < $L; j++)", n);
    c.addStatement("m[i * $L + j] = $L[i * $L + j]", n, x, n);
    c.endControlFlow();
    c.addStatement("acc[i * $L + i] = 1", n);
    c.endControlFlow();
    c.beginControlFlow("for (int k = 0; k < $L; k++)", n);
    c.add("// partial pivoting: the row with the largest magnitude in column k\n");
    c.addStatement("int best = k");
    c.beginControlFlow("for (int r = k + 1; r < $L; r++)", n);
    c.beginControlFlow("if (Math.abs(m[r * $L + k]) > Math.abs(m[best * $L + k]))", n, n);
    c.addStatement("best = r");
    c.endControlFlow();
    c.endControlFlow();
    c.beginControlFlow("if (best != k)");
    c.beginControlFlow("for (int j = 0; j < $L; j++)", n);
    c.addStatement("double av = m[k * $L + j]", n);
    c.addStatement("m[k * $L + j] = m[best * $L + j]", n, n);
    c.addStatement("m[best * $L + j] = av", n);
    c.addStatement("av = acc[k * $L + j]", n);
    c.addStatement("acc[k * $L + j] = acc[best * $L + j]", n, n);
    c.addStatement("acc[best * $L + j] = av", n);
    c.endControlFlow();
    c.endControlFlow();
    c.addStatement("double v = m[k * $L + k]", n);
    c.beginControlFlow("for (int j = 0; j < $L; j++)", n);
    c.addStatement("m[k * $L + j] /= v", n);
    c.addStatement("acc[k * $L + j] /= v", n);
    c.endControlFlow();
    c.beginControlFlow("for (int r = 0; r < $L; r++)", n);
    c.addStatement("double a = m[r * $L + k]", n);
    c.beginControlFlow("if (r == k || a == 0)");
    c.addStatement("continue");
    c.endControlFlow();
    c.beginControlFlow("for (int j = 0; j < $L; j++)", n);
    c.addStatement("m[r * $L + j] -= a * m[k * $L + j]", n, n);
    c.addStatement("acc[r * $L + j] -= a * acc[k * $L + j]", n, n);
    c.endControlFlow();
    c.endControlFlow();
    c.endControlFlow();
    c.addStatement("$L[] out = new $L[acc.length]", et, et);
    c.beginControlFlow("for (int o = 0; o < out.length; o++)");
    c.addStatement("out[o] = $L", JavaTypes.fromDouble(t, "acc[o]"));
    c.endControlFlow();
    c.addStatement("return out");
    ctx.call(k, "matrixInverse", node, out, "the inverse of %s %s".formatted(xn.name(), xn.type()));
  }
}

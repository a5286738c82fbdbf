package dev.kiln.codegen.java;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Node;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Kernels of the data-movement ops: Transpose, Concat, Slice, Unslice, Gather, ScatterAdd and
 * Shape. Each loops over its output (or its scattered input) in row-major order with one
 * coordinate variable per axis, so the index arithmetic reads like the shapes in the graph.
 */
final class ShapeKernels {
  private ShapeKernels() {}

  /** Row-major stride of {@code axis} in {@code dims}, as an int expression. */
  private static String stride(KernelMethod k, List<Dim> dims, int axis) {
    return k.size(dims.subList(axis + 1, dims.size()));
  }

  private static String term(String coord, String stride) {
    return stride.equals("1") ? coord : coord + " * " + KernelMethod.paren(stride);
  }

  private static String element(Node n) {
    return JavaTypes.element(n.type().dtype()).toString();
  }

  /** Nested loops {@code c0..c(r-1)} over {@code dims}; the caller closes them with {@link #close}. */
  private static void open(KernelMethod k, List<Dim> dims) {
    for (int d = 0; d < dims.size(); d++) {
      k.code.beginControlFlow("for (int c$L = 0; c$L < $L; c$L++)", d, d, k.dim(dims.get(d)), d);
    }
  }

  private static void close(KernelMethod k, int rank) {
    for (int d = 0; d < rank; d++) {
      k.code.endControlFlow();
    }
  }

  // ---- Transpose ----------------------------------------------------------------------------

  /** Output axis d reads input axis perm[d]: a gather over the input's strides. */
  static void transpose(KernelTable.EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    Node xn = node.input(0);
    String x = k.input(xn, inputs.get(0));
    int[] perm = node.attrs().getInts("perm");
    List<Dim> in = xn.shape().dims();
    String et = element(node);
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L]", et, et, k.size(node.shape()));
    c.addStatement("int o = 0");
    open(k, node.shape().dims());
    List<String> terms = new ArrayList<>();
    for (int d = 0; d < perm.length; d++) {
      terms.add(term("c" + d, stride(k, in, perm[d])));
    }
    c.addStatement("out[o++] = $L[$L]", x, terms.isEmpty() ? "0" : String.join(" + ", terms));
    close(k, perm.length);
    c.addStatement("return out");
    ctx.call(k, "transpose", node, out, "%s %s with axes permuted to %s -> %s".formatted(
        xn.name(), xn.type(), java.util.Arrays.toString(perm), node.type()));
  }

  // ---- Concat -------------------------------------------------------------------------------

  /** For each index over the axes before the joined one, each input's contiguous block in turn. */
  static void concat(KernelTable.EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    int axis = node.shape().normalizeAxis(node.attrs().getInt("axis"));
    List<Dim> dims = node.shape().dims();
    String et = element(node);
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L]", et, et, k.size(node.shape()));
    c.addStatement("int p = 0");
    c.beginControlFlow("for (int o = 0; o < $L; o++)", k.size(dims.subList(0, axis)));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < node.inputs().size(); i++) {
      Node in = node.input(i);
      String x = k.input(in, inputs.get(i));
      names.add(in.name());
      String block = k.size(in.shape().dims().subList(axis, in.shape().rank()));
      c.addStatement("System.arraycopy($L, o * $L, out, p, $L)", x, KernelMethod.paren(block), block);
      c.addStatement("p += $L", block);
    }
    c.endControlFlow();
    c.addStatement("return out");
    ctx.call(k, "concat", node, out, "%s joined along axis %d -> %s".formatted(
        String.join(", ", names), axis, node.type()));
  }

  // ---- Slice, Unslice -----------------------------------------------------------------------

  /** The flat index into {@code full} of block coordinates c0.. shifted by {@code begin}. */
  private static String shifted(KernelMethod k, List<Dim> full, int[] begin) {
    List<String> terms = new ArrayList<>();
    for (int d = 0; d < full.size(); d++) {
      String coord = begin[d] == 0 ? "c" + d : "(c" + d + " + " + begin[d] + ")";
      terms.add(term(coord, stride(k, full, d)));
    }
    return terms.isEmpty() ? "0" : String.join(" + ", terms);
  }

  static void slice(KernelTable.EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    Node xn = node.input(0);
    String x = k.input(xn, inputs.get(0));
    int[] begin = node.attrs().getInts("begin");
    String et = element(node);
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L]", et, et, k.size(node.shape()));
    c.addStatement("int o = 0");
    open(k, node.shape().dims());
    c.addStatement("out[o++] = $L[$L]", x, shifted(k, xn.shape().dims(), begin));
    close(k, begin.length);
    c.addStatement("return out");
    ctx.call(k, "slice", node, out, "%s %s from %s -> %s".formatted(xn.name(), xn.type(),
        java.util.Arrays.toString(begin), node.type()));
  }

  /** Zeros of like's shape with g written at begin: the adjoint of slice. */
  static void unslice(KernelTable.EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    Node gn = node.input(0);
    String g = k.input(gn, inputs.get(0));
    int[] begin = node.attrs().getInts("begin");
    String et = element(node);
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L]", et, et, k.size(node.shape()));
    c.addStatement("int o = 0");
    open(k, gn.shape().dims());
    c.addStatement("out[$L] = $L[o++]", shifted(k, node.shape().dims(), begin), g);
    close(k, begin.length);
    c.addStatement("return out");
    ctx.call(k, "unslice", node, out, "%s %s placed at %s in zeros -> %s".formatted(gn.name(),
        gn.type(), java.util.Arrays.toString(begin), node.type()));
  }

  // ---- Gather, ScatterAdd -------------------------------------------------------------------

  /** Checks one index against the table's rows, as the reference does, and names the op. */
  private static void checkIndex(CodeBlock.Builder c, String op, String rows) {
    c.beginControlFlow("if (r < 0 || r >= $L)", rows);
    c.addStatement("throw new $T($S + r + $S + $L + $S)", IndexOutOfBoundsException.class,
        op + ": index ", " is out of range for a table of ", rows, " rows");
    c.endControlFlow();
  }

  static void gather(KernelTable.EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    Node pn = node.input(0);
    Node in = node.input(1);
    String params = k.input(pn, inputs.get(0));
    String idx = k.input(in, inputs.get(1));
    List<Dim> pd = pn.shape().dims();
    String rows = k.dim(pd.get(0));
    String row = k.size(pd.subList(1, pd.size()));
    String et = element(node);
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L]", et, et, k.size(node.shape()));
    c.beginControlFlow("for (int i = 0; i < $L.length; i++)", idx);
    c.addStatement("long r = $L[i]", idx);
    checkIndex(c, "gather", rows);
    c.addStatement("System.arraycopy($L, (int) r * $L, out, i * $L, $L)", params,
        KernelMethod.paren(row), KernelMethod.paren(row), row);
    c.endControlFlow();
    c.addStatement("return out");
    ctx.call(k, "gather", node, out, "rows of %s %s at %s %s -> %s".formatted(pn.name(), pn.type(),
        in.name(), in.type(), node.type()));
  }

  /** Rows of updates ADDED into zeros at their indices: repeated indices accumulate. */
  static void scatterAdd(KernelTable.EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    Node un = node.input(0);
    Node in = node.input(1);
    String updates = k.input(un, inputs.get(0));
    String idx = k.input(in, inputs.get(1));
    List<Dim> like = node.shape().dims();
    String rows = k.dim(like.get(0));
    String row = k.size(like.subList(1, like.size()));
    DType t = node.type().dtype();
    String et = element(node);
    CodeBlock.Builder c = k.code;
    c.add("// Sums accumulate in double, then round once to $L.\n", t.label());
    c.addStatement("double[] acc = new double[$L]", k.size(node.shape()));
    c.beginControlFlow("for (int i = 0; i < $L.length; i++)", idx);
    c.addStatement("long r = $L[i]", idx);
    checkIndex(c, "scatterAdd", rows);
    c.beginControlFlow("for (int j = 0; j < $L; j++)", row);
    c.addStatement("acc[(int) r * $L + j] += $L", KernelMethod.paren(row),
        JavaTypes.load(un.type().dtype(), updates + "[i * " + KernelMethod.paren(row) + " + j]"));
    c.endControlFlow();
    c.endControlFlow();
    c.addStatement("$L[] out = new $L[acc.length]", et, et);
    c.beginControlFlow("for (int o = 0; o < out.length; o++)");
    c.addStatement("out[o] = $L", JavaTypes.storeDouble(t, "acc[o]"));
    c.endControlFlow();
    c.addStatement("return out");
    ctx.call(k, "scatterAdd", node, out, "rows of %s %s added at %s %s -> %s".formatted(un.name(),
        un.type(), in.name(), in.type(), node.type()));
  }

  // ---- Shape --------------------------------------------------------------------------------

  /** The bound dimensions as a long vector: no kernel, one statement. */
  static void shape(KernelTable.EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod dims = ctx.kernel(); // only to render the dimensions
    List<String> values = new ArrayList<>();
    for (Dim d : node.input(0).shape().dims()) {
      values.add(d.isStatic() ? d.size() + "L" : "(long) " + dims.dim(d));
    }
    ctx.statement(CodeBlock.of("long[] $L = {$L}; // the shape of $L\n", out,
        String.join(", ", values), node.input(0).name()));
  }
}

package dev.kiln.codegen.java;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.KernelTable.EmitContext;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Windows;
import dev.kiln.dsl.DType;
import java.util.List;

/**
 * Kernel templates of the neural ops: the fused softmax cross-entropy, conv2d and its two
 * gradients, max and average pooling and their gradients, the dropout mask and the random
 * tensors. Registered in {@link KernelTable}. Tensors are NHWC and filters [kh, kw, c, f], so the
 * convolution kernels put a channel loop innermost: it runs over contiguous memory in every
 * array it touches, which the JIT vectorizes. Window geometry (sizes, strides, padding) is static
 * and inlined; only the batch may be symbolic.
 */
final class NeuralKernels {
  private NeuralKernels() {}

  // ---- SoftmaxCrossEntropyWithLogits --------------------------------------------------------

  static void softmaxCrossEntropy(EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    Node ln = node.input(0);
    Node xn = node.input(1);
    String labels = k.input(ln, inputs.get(0));
    String x = k.input(xn, inputs.get(1));
    DType t = node.type().dtype();
    String et = JavaTypes.element(t).toString();
    List<Dim> dims = xn.shape().dims();
    String rows = k.size(dims.subList(0, dims.size() - 1));
    String n = k.dim(dims.getLast());
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L]", et, et, rows);
    c.beginControlFlow("for (int r = 0; r < $L; r++)", rows);
    c.addStatement("int base = r * $L", n);
    c.add("// Stable: log-softmax is x - max - log(sum(exp(x - max))), in double.\n");
    c.addStatement("double max = Double.NEGATIVE_INFINITY");
    c.beginControlFlow("for (int j = 0; j < $L; j++)", n);
    c.addStatement("max = Math.max(max, $L[base + j])", x);
    c.endControlFlow();
    c.beginControlFlow("if (Double.isInfinite(max))");
    c.addStatement("max = 0");
    c.endControlFlow();
    c.addStatement("double sum = 0");
    c.beginControlFlow("for (int j = 0; j < $L; j++)", n);
    c.addStatement("sum += Math.exp($L[base + j] - max)", x);
    c.endControlFlow();
    c.addStatement("double lse = Math.log(sum)");
    c.addStatement("double acc = 0");
    c.beginControlFlow("for (int j = 0; j < $L; j++)", n);
    c.add("// a zero label contributes nothing, even against a -inf log-probability\n");
    c.beginControlFlow("if ($L[base + j] != 0)", labels);
    c.addStatement("acc -= $L[base + j] * ($L[base + j] - max - lse)", labels, x);
    c.endControlFlow();
    c.endControlFlow();
    c.addStatement("out[r] = $L", JavaTypes.fromDouble(t, "acc"));
    c.endControlFlow();
    c.addStatement("return out");
    ctx.call(k, "softmaxCrossEntropy", node, out, "Cross-entropy of softmax(%s) against %s, per row -> %s"
        .formatted(xn.name(), ln.name(), node.type()));
  }

  // ---- convolution --------------------------------------------------------------------------

  /** Static geometry of a convolution or pooling window over an NHWC input. */
  /**
   * {@code float[] cols}: one row per output position holding its window [kh, kw, ch] of x, the
   * padding left zero, so that the convolution is one matrix product (the runtime's Gemm, which
   * C2 vectorizes; the direct loops here stay scalar).
   */
  private static void im2col(CodeBlock.Builder c, Geo g, String x) {
    c.addStatement("float[] cols = new float[$L]", g.pixels() + " * " + g.patch());
    g.openOutput(c, g.f());
    c.addStatement("int cBase = oBase / $L * $L", g.f(), g.patch());
    g.openWindow(c);
    if (g.c() >= 16) {
      c.addStatement("$T.arraycopy($L, xBase, cols, cBase + (kh * $L + kw) * $L, $L)",
          System.class, x, g.kw(), g.c(), g.c());
      Geo.close(c, 5);
      return;
    }
    // a few channels: a call to arraycopy would cost more than the copy
    c.addStatement("int from = cBase + (kh * $L + kw) * $L", g.kw(), g.c());
    c.beginControlFlow("for (int ch = 0; ch < $L; ch++)", g.c());
    c.addStatement("cols[from + ch] = $L[xBase + ch]", x);
    Geo.close(c, 6);
  }

  private record Geo(String batch, int h, int w, int c, int kh, int kw, int f, Windows.Axis rows,
      Windows.Axis cols, boolean padded) {
    static Geo of(KernelMethod k, Node input, int kh, int kw, int f, int[] strides, String padding) {
      List<Dim> d = input.shape().dims();
      int h = (int) d.get(1).size();
      int w = (int) d.get(2).size();
      boolean same = padding.equals(Windows.SAME);
      Windows.Axis rows = Windows.axis(h, kh, strides[0], same);
      Windows.Axis cols = Windows.axis(w, kw, strides[1], same);
      boolean padded = same && ((rows.out() - 1) * rows.stride() + kh > h || rows.padBefore() > 0
          || (cols.out() - 1) * cols.stride() + kw > w || cols.padBefore() > 0);
      return new Geo(k.dim(d.get(0)), h, w, (int) d.get(3).size(), kh, kw, f, rows, cols, padded);
    }

    static Geo of(KernelMethod k, Node input, Node attrsOf, int kh, int kw, int f) {
      return of(k, input, kh, kw, f, attrsOf.attrs().getInts("strides"), attrsOf.attrs().get("padding"));
    }

    int oh() {
      return rows.out();
    }

    /** The number of output positions, img·oh·ow, as an int expression. */
    String pixels() {
      return KernelMethod.paren(batch) + " * " + oh() * ow();
    }

    /** The length of one window, kh·kw·ch. */
    int patch() {
      return kh * kw * c;
    }

    int ow() {
      return cols.out();
    }

    /** Opens img/oh/ow loops and sets {@code oBase}, the flat index of out[img, oh, ow, 0]. */
    void openOutput(CodeBlock.Builder c, int channels) {
      c.beginControlFlow("for (int img = 0; img < $L; img++)", batch);
      c.beginControlFlow("for (int oh = 0; oh < $L; oh++)", oh());
      c.beginControlFlow("for (int ow = 0; ow < $L; ow++)", ow());
      c.addStatement("int oBase = ((img * $L + oh) * $L + ow) * $L", oh(), ow(), channels);
    }

    /**
     * Opens kh/kw loops over the window and sets {@code ih, iw} and {@code xBase}, the flat index
     * of x[img, ih, iw, 0]; positions in the padding are skipped (only emitted when any exist).
     */
    void openWindow(CodeBlock.Builder c) {
      c.beginControlFlow("for (int kh = 0; kh < $L; kh++)", kh);
      c.addStatement("int ih = oh * $L + kh - $L", rows.stride(), rows.padBefore());
      if (padded) {
        c.beginControlFlow("if (ih < 0 || ih >= $L)", h).add("continue; // padding\n").endControlFlow();
      }
      c.beginControlFlow("for (int kw = 0; kw < $L; kw++)", kw);
      c.addStatement("int iw = ow * $L + kw - $L", cols.stride(), cols.padBefore());
      if (padded) {
        c.beginControlFlow("if (iw < 0 || iw >= $L)", w).add("continue; // padding\n").endControlFlow();
      }
      c.addStatement("int xBase = ((img * $L + ih) * $L + iw) * $L", h, w, this.c);
    }

    static void close(CodeBlock.Builder c, int loops) {
      for (int i = 0; i < loops; i++) {
        c.endControlFlow();
      }
    }

    String describe() {
      return "%dx%d window, strides %d,%d, %s".formatted(kh, kw, rows.stride(), cols.stride(),
          padded ? "SAME (padded)" : "no padding");
    }
  }

  static void conv2d(EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    Node xn = node.input(0);
    Node wn = node.input(1);
    String x = k.input(xn, inputs.get(0));
    String w = k.input(wn, inputs.get(1));
    List<Dim> fd = wn.shape().dims();
    Geo g = Geo.of(k, xn, node, (int) fd.get(0).size(), (int) fd.get(1).size(), (int) fd.get(3).size());
    String et = JavaTypes.element(node.type().dtype()).toString();
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L]", et, et, k.size(node.shape()));
    if (node.type().dtype() == DType.F32) {
      c.add("// As a product: out [img·oh·ow, $L] = patches [img·oh·ow, kh·kw·ch] · filter [kh·kw·ch, $L].\n",
          g.f(), g.f());
      im2col(c, g, x);
      MatrixKernels.sgemmCall(c, false, false, g.pixels(), Integer.toString(g.f()),
          Integer.toString(g.patch()), "cols", "0", w, "0", "out", "0");
      c.addStatement("return out");
      ctx.call(k, "conv2D", node, out, "conv2d of %s %s with %s %s, %s -> %s".formatted(
          xn.name(), xn.type(), wn.name(), wn.type(), g.describe(), node.type()));
      return;
    }
    c.add("// Each input element in a window scales filter row [kh, kw, ch, :] into output row\n");
    c.add("// [img, oh, ow, :]: the innermost loop runs over the $L output channels, contiguous\n", g.f());
    c.add("// in both arrays. Zero inputs (after a relu, often half) are skipped.\n");
    g.openOutput(c, g.f());
    g.openWindow(c);
    c.addStatement("int wBase = (kh * $L + kw) * $L", g.kw(), g.c() * g.f());
    c.beginControlFlow("for (int ch = 0; ch < $L; ch++)", g.c());
    c.addStatement("$L v = $L[xBase + ch]", et, x);
    c.beginControlFlow("if (v == 0)").addStatement("continue").endControlFlow();
    c.addStatement("int row = wBase + ch * $L", g.f());
    c.beginControlFlow("for (int f = 0; f < $L; f++)", g.f());
    c.addStatement("out[oBase + f] += v * $L[row + f]", w);
    Geo.close(c, 7);
    c.addStatement("return out");
    ctx.call(k, "conv2D", node, out, "conv2d of %s %s with %s %s, %s -> %s".formatted(
        xn.name(), xn.type(), wn.name(), wn.type(), g.describe(), node.type()));
  }

  static void conv2dBackpropInput(EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    Node wn = node.input(0);
    Node dn = node.input(1);
    String w = k.input(wn, inputs.get(0));
    String d = k.input(dn, inputs.get(1));
    List<Dim> fd = wn.shape().dims();
    // The input's geometry is the node's own shape.
    Geo g = Geo.of(k, node, node, (int) fd.get(0).size(), (int) fd.get(1).size(), (int) fd.get(3).size());
    String et = JavaTypes.element(node.type().dtype()).toString();
    int taps = g.kh() * g.kw();
    CodeBlock.Builder c = k.code;
    if (node.type().dtype() == DType.F32) {
      c.add("// As a product: patch gradients [img·oh·ow, kh·kw·ch] = $L [img·oh·ow, $L] · filterᵀ,\n",
          d, g.f());
      c.add("// then each patch adds back onto the input positions it was read from.\n");
      c.addStatement("float[] cols = new float[$L]", g.pixels() + " * " + g.patch());
      MatrixKernels.sgemmCall(c, false, true, g.pixels(), Integer.toString(g.patch()),
          Integer.toString(g.f()), d, "0", w, "0", "cols", "0");
      c.addStatement("$L[] out = new $L[$L]", et, et, k.size(node.shape()));
      g.openOutput(c, g.f());
      c.addStatement("int cBase = oBase / $L * $L", g.f(), g.patch());
      g.openWindow(c);
      c.addStatement("int from = cBase + (kh * $L + kw) * $L", g.kw(), g.c());
      c.beginControlFlow("for (int ch = 0; ch < $L; ch++)", g.c());
      c.addStatement("out[xBase + ch] += cols[from + ch]");
      Geo.close(c, 6);
      c.addStatement("return out");
      ctx.call(k, "conv2DBackpropInput", node, out, "Gradient of a conv2d with respect to its input:"
          + " %s %s through the filter %s %s, %s -> %s".formatted(dn.name(), dn.type(), wn.name(),
              wn.type(), g.describe(), node.type()));
      return;
    }
    c.add("// The filter transposed to [kh, kw, f, ch], so that the innermost loop below runs over\n");
    c.add("// the $L input channels, contiguous in both the transposed filter and the result.\n", g.c());
    c.addStatement("$L[] wT = new $L[$L]", et, et, taps * g.c() * g.f());
    c.beginControlFlow("for (int p = 0; p < $L; p++)", taps);
    c.beginControlFlow("for (int ch = 0; ch < $L; ch++)", g.c());
    c.beginControlFlow("for (int f = 0; f < $L; f++)", g.f());
    c.addStatement("wT[(p * $L + f) * $L + ch] = $L[(p * $L + ch) * $L + f]", g.f(), g.c(), w, g.c(), g.f());
    Geo.close(c, 3);
    c.addStatement("$L[] out = new $L[$L]", et, et, k.size(node.shape()));
    c.add("// Each output gradient element scatters itself times filter [kh, kw, :, f] back over\n");
    c.add("// the input positions of its window; zero gradients (relu) are skipped.\n");
    g.openOutput(c, g.f());
    g.openWindow(c);
    c.addStatement("int wBase = (kh * $L + kw) * $L", g.kw(), g.f() * g.c());
    c.beginControlFlow("for (int f = 0; f < $L; f++)", g.f());
    c.addStatement("$L v = $L[oBase + f]", et, d);
    c.beginControlFlow("if (v == 0)").addStatement("continue").endControlFlow();
    c.addStatement("int row = wBase + f * $L", g.c());
    c.beginControlFlow("for (int ch = 0; ch < $L; ch++)", g.c());
    c.addStatement("out[xBase + ch] += v * wT[row + ch]");
    Geo.close(c, 7);
    c.addStatement("return out");
    ctx.call(k, "conv2DBackpropInput", node, out, "Gradient of a conv2d with respect to its input:"
        + " %s %s through the filter %s %s, %s -> %s".formatted(dn.name(), dn.type(), wn.name(),
            wn.type(), g.describe(), node.type()));
  }

  static void conv2dBackpropFilter(EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    Node xn = node.input(0);
    Node dn = node.input(1);
    String x = k.input(xn, inputs.get(0));
    String d = k.input(dn, inputs.get(1));
    List<Dim> fd = node.shape().dims();
    Geo g = Geo.of(k, xn, node, (int) fd.get(0).size(), (int) fd.get(1).size(), (int) fd.get(3).size());
    String et = JavaTypes.element(node.type().dtype()).toString();
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L]", et, et, k.size(node.shape()));
    if (node.type().dtype() == DType.F32) {
      c.add("// As a product: out [kh·kw·ch, $L] = patchesᵀ · $L [img·oh·ow, $L].\n", g.f(), d, g.f());
      im2col(c, g, x);
      MatrixKernels.sgemmCall(c, true, false, Integer.toString(g.patch()), Integer.toString(g.f()),
          g.pixels(), "cols", "0", d, "0", "out", "0");
      c.addStatement("return out");
      ctx.call(k, "conv2DBackpropFilter", node, out, "Gradient of a conv2d with respect to its filter:"
          + " %s %s against %s %s, %s -> %s".formatted(xn.name(), xn.type(), dn.name(), dn.type(),
              g.describe(), node.type()));
      return;
    }
    c.add("// Each input element in a window adds itself times output gradient row [img, oh, ow, :]\n");
    c.add("// to filter row [kh, kw, ch, :]: the innermost loop runs over the $L output channels.\n", g.f());
    g.openOutput(c, g.f());
    g.openWindow(c);
    c.addStatement("int wBase = (kh * $L + kw) * $L", g.kw(), g.c() * g.f());
    c.beginControlFlow("for (int ch = 0; ch < $L; ch++)", g.c());
    c.addStatement("$L v = $L[xBase + ch]", et, x);
    c.beginControlFlow("if (v == 0)").addStatement("continue").endControlFlow();
    c.addStatement("int row = wBase + ch * $L", g.f());
    c.beginControlFlow("for (int f = 0; f < $L; f++)", g.f());
    c.addStatement("out[row + f] += v * $L[oBase + f]", d);
    Geo.close(c, 7);
    c.addStatement("return out");
    ctx.call(k, "conv2DBackpropFilter", node, out, "Gradient of a conv2d with respect to its filter:"
        + " %s %s against %s %s, %s -> %s".formatted(xn.name(), xn.type(), dn.name(), dn.type(),
            g.describe(), node.type()));
  }

  // ---- pooling ------------------------------------------------------------------------------

  /** The pooling geometry of {@code node}'s window over {@code input}. */
  private static Geo poolGeo(KernelMethod k, Node input, Node node) {
    int[] win = node.attrs().getInts("window");
    int c = (int) input.shape().dim(3).size();
    return Geo.of(k, input, node, win[0], win[1], c);
  }

  /**
   * Opens img/oh/ow/ch loops; {@code o} is the flat output index. Then the window's kh/kw loops
   * with {@code xi}, the flat input index of channel ch, as {@code in}.
   */
  private static void openPool(CodeBlock.Builder c, Geo g) {
    g.openOutput(c, g.c());
    c.beginControlFlow("for (int ch = 0; ch < $L; ch++)", g.c());
    c.addStatement("int o = oBase + ch");
  }

  static void maxPool(EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    Node xn = node.input(0);
    String x = k.input(xn, inputs.get(0));
    Geo g = poolGeo(k, xn, node);
    DType t = node.type().dtype();
    String et = JavaTypes.element(t).toString();
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L]", et, et, k.size(node.shape()));
    openPool(c, g);
    maxOfWindow(c, g, x, t);
    c.addStatement("out[o] = bestValue");
    Geo.close(c, 4);
    c.addStatement("return out");
    ctx.call(k, "maxPool", node, out, "Max pooling of %s %s, %s -> %s".formatted(
        xn.name(), xn.type(), g.describe(), node.type()));
  }

  /** Finds the window's first maximum (a NaN wins): {@code best} its input index, {@code bestValue}. */
  private static void maxOfWindow(CodeBlock.Builder c, Geo g, String x, DType t) {
    c.addStatement("int best = -1");
    c.addStatement("$L bestValue = $L", JavaTypes.element(t), JavaTypes.lowest(t));
    g.openWindow(c);
    c.addStatement("int in = xBase + ch");
    c.addStatement("$L v = $L[in]", JavaTypes.element(t), x);
    c.add("// strictly greater: the first maximum wins; the first NaN wins over everything\n");
    c.beginControlFlow("if (best < 0 || (v > bestValue && bestValue == bestValue) || (v != v && bestValue == bestValue))");
    c.addStatement("best = in");
    c.addStatement("bestValue = v");
    c.endControlFlow();
    Geo.close(c, 2);
  }

  static void maxPoolGrad(EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    Node xn = node.input(0);
    Node dn = node.input(1);
    String x = k.input(xn, inputs.get(0));
    String d = k.input(dn, inputs.get(1));
    Geo g = poolGeo(k, xn, node);
    DType t = node.type().dtype();
    String et = JavaTypes.element(t).toString();
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L]", et, et, k.size(node.shape()));
    c.add("// Each output gradient goes to its window's first maximum in the input.\n");
    openPool(c, g);
    maxOfWindow(c, g, x, t);
    c.addStatement("out[best] += $L[o]", d);
    Geo.close(c, 4);
    c.addStatement("return out");
    ctx.call(k, "maxPoolGrad", node, out, "Gradient of max pooling %s %s routed by %s, %s -> %s".formatted(
        dn.name(), dn.type(), xn.name(), g.describe(), node.type()));
  }

  static void avgPool(EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    Node xn = node.input(0);
    String x = k.input(xn, inputs.get(0));
    Geo g = poolGeo(k, xn, node);
    DType t = node.type().dtype();
    String et = JavaTypes.element(t).toString();
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L]", et, et, k.size(node.shape()));
    openPool(c, g);
    c.add("// The mean over the window's elements inside the input (padding is not counted).\n");
    c.addStatement("double sum = 0");
    c.addStatement("int count = 0");
    g.openWindow(c);
    c.addStatement("sum += $L[xBase + ch]", x);
    c.addStatement("count++");
    Geo.close(c, 2);
    c.addStatement("out[o] = $L", JavaTypes.fromDouble(t, "sum / count"));
    Geo.close(c, 4);
    c.addStatement("return out");
    ctx.call(k, "avgPool", node, out, "Average pooling of %s %s, %s -> %s".formatted(
        xn.name(), xn.type(), g.describe(), node.type()));
  }

  static void avgPoolGrad(EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    Node dn = node.input(0);
    String d = k.input(dn, inputs.get(0));
    Geo g = poolGeo(k, node, node); // the input's geometry is the node's own shape
    DType t = node.type().dtype();
    String et = JavaTypes.element(t).toString();
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L]", et, et, k.size(node.shape()));
    c.add("// Each output gradient is spread evenly over its window's elements inside the input.\n");
    openPool(c, g);
    c.addStatement("int count = 0");
    g.openWindow(c);
    c.addStatement("count++");
    Geo.close(c, 2);
    c.addStatement("double v = $L[o] / (double) count", d);
    g.openWindow(c);
    c.addStatement("out[xBase + ch] += $L", JavaTypes.fromDouble(t, "v"));
    Geo.close(c, 2);
    Geo.close(c, 4);
    c.addStatement("return out");
    ctx.call(k, "avgPoolGrad", node, out, "Gradient of average pooling %s %s, %s -> %s".formatted(
        dn.name(), dn.type(), g.describe(), node.type()));
  }

  // ---- random -------------------------------------------------------------------------------

  /** Training: scaled keep/drop draws from the model's generator. Fetches: ones (identity). */
  static void dropoutMask(EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    DType t = node.type().dtype();
    String et = JavaTypes.element(t).toString();
    double rate = node.attrs().getDouble("rate");
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L]", et, et, k.size(node.shape()));
    if (ctx.training()) {
      String rng = k.generator(ctx.generator());
      c.add("// Training: keep each element with probability $L, scaled so the expectation is unchanged.\n",
          1 - rate);
      c.addStatement("$L scale = $L", et, JavaTypes.literal(t, 1 / (1 - rate)));
      c.beginControlFlow("for (int i = 0; i < out.length; i++)");
      c.addStatement("out[i] = $L.nextDouble() >= $L ? scale : 0", rng, JavaTypes.literal(DType.F64, rate));
      c.endControlFlow();
    } else {
      c.add("// Inference: dropout is the identity.\n");
      c.addStatement("$T.fill(out, $L)", java.util.Arrays.class, JavaTypes.literal(t, 1));
    }
    c.addStatement("return out");
    ctx.call(k, ctx.training() ? "dropoutMask" : "noDropout", node, out,
        "Dropout mask (rate %s, %s) of %s -> %s".formatted(rate, ctx.training() ? "training" : "inference",
            node.input(0).name(), node.type()));
  }

  /** RandomNormal, TruncatedNormal, RandomUniform: the reference's draw rule, element by element. */
  static void randomTensor(EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    DType t = node.type().dtype();
    String et = JavaTypes.element(t).toString();
    String a = JavaTypes.literal(DType.F64, node.attrs().getDouble("a"));
    String b = JavaTypes.literal(DType.F64, node.attrs().getDouble("b"));
    String rng = k.generator(ctx.generator());
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L]", et, et, k.size(node.shape()));
    c.beginControlFlow("for (int i = 0; i < out.length; i++)");
    switch (node.op().name()) {
      case "RandomNormal" -> c.addStatement("out[i] = $L", JavaTypes.storeDouble(t, a + " + " + b + " * " + rng + ".nextGaussian()"));
      case "TruncatedNormal" -> {
        c.addStatement("double z");
        c.add("// draws beyond two standard deviations are redrawn\n");
        c.beginControlFlow("do");
        c.addStatement("z = $L.nextGaussian()", rng);
        c.endControlFlow("while (Math.abs(z) > 2.0)");
        c.addStatement("out[i] = $L", JavaTypes.storeDouble(t, a + " + " + b + " * z"));
      }
      case "RandomUniform" -> c.addStatement("out[i] = $L", JavaTypes.storeDouble(t,
          a + " + (" + b + " - " + a + ") * " + rng + ".nextDouble()"));
      default -> throw new IllegalArgumentException("not a random tensor op: " + node.op().name());
    }
    c.endControlFlow();
    c.addStatement("return out");
    ctx.call(k, EntryWriter.lowerFirst(node.op().name()), node, out, "%s(%s, %s) -> %s".formatted(
        node.op().name(), a, b, node.type()));
  }

  static void randomShuffle(EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    Node xn = node.input(0);
    String x = k.input(xn, inputs.get(0));
    String rng = k.generator(ctx.generator());
    String et = JavaTypes.element(node.type().dtype()).toString();
    List<Dim> dims = xn.shape().dims();
    String n = k.dim(dims.getFirst());
    String row = k.size(dims.subList(1, dims.size()));
    CodeBlock.Builder c = k.code;
    c.add("// Fisher-Yates over the row indices, then whole rows are copied.\n");
    c.addStatement("int[] perm = new int[$L]", n);
    c.beginControlFlow("for (int i = 0; i < perm.length; i++)").addStatement("perm[i] = i").endControlFlow();
    c.beginControlFlow("for (int i = perm.length - 1; i > 0; i--)");
    c.addStatement("int j = $L.nextInt(i + 1)", rng);
    c.addStatement("int swap = perm[i]");
    c.addStatement("perm[i] = perm[j]");
    c.addStatement("perm[j] = swap");
    c.endControlFlow();
    c.addStatement("$L[] out = new $L[$L]", et, et, k.size(xn.shape()));
    c.beginControlFlow("for (int i = 0; i < perm.length; i++)");
    c.addStatement("System.arraycopy($L, perm[i] * $L, out, i * $L, $L)", x, KernelMethod.paren(row),
        KernelMethod.paren(row), row);
    c.endControlFlow();
    c.addStatement("return out");
    ctx.call(k, "randomShuffle", node, out, "Rows of %s %s in a random order".formatted(xn.name(), xn.type()));
  }
}

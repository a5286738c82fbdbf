package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpDef;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;

/**
 * 2-D convolution (cross-correlation, as TensorFlow's conv2d) of an NHWC input
 * {@code [batch, h, w, c]} with a filter {@code [kh, kw, c, f]}, giving {@code [batch, oh, ow, f]}
 * under {@link Windows}' geometry. Attributes {@code strides} (int[2]) and {@code padding}.
 * Height, width and channels must be static; the batch may be symbolic.
 */
final class Conv2D implements OpDef {
  @Override
  public String name() {
    return "Conv2D";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType x = inputs.get(0);
    TensorType w = inputs.get(1);
    return new TensorType(x.dtype(), check("conv2d", x, w, attrs));
  }

  /** Checks an input and a filter; returns the output shape. */
  static Shape check(String op, TensorType x, TensorType w, Attrs attrs) {
    Windows.checkAttrs(op, attrs);
    Windows.checkNhwc(op, "an input", x);
    checkFilter(op, w);
    if (x.dtype() != w.dtype()) {
      throw new ShapeError(op + ": input and filter have different dtypes, " + x + " and " + w);
    }
    long c = x.shape().dim(3).size();
    long fc = w.shape().dim(2).size();
    if (c != fc) {
      throw new ShapeError(op + ": the input " + x.shape() + " has " + c + " channels but the filter "
          + w.shape() + " expects " + fc);
    }
    int[] k = {(int) w.shape().dim(0).size(), (int) w.shape().dim(1).size()};
    return Windows.output(op, x.shape(), k, attrs, w.shape().dim(3).size(), "filter " + w.shape());
  }

  static void checkFilter(String op, TensorType w) {
    OpSupport.requireFloating(op, w);
    if (w.rank() != 4 || !w.shape().isStatic()) {
      throw new ShapeError(op + ": expects a static filter of rank 4 [height, width, inChannels,"
          + " outChannels], got " + w.shape());
    }
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    Node x = node.input(0);
    Node w = node.input(1);
    return List.of(
        Emit.conv2dBackpropInput(b, w, dOut, spatial(x.shape()), strides(node), padding(node)),
        Emit.conv2dBackpropFilter(b, x, dOut, spatial(w.shape(), 0), strides(node), padding(node)));
  }

  static int[] strides(Node n) {
    return n.attrs().getInts("strides");
  }

  static String padding(Node n) {
    return n.attrs().get("padding");
  }

  /** Height and width of an NHWC shape (axes 1, 2), or of a filter from {@code axis} 0. */
  static int[] spatial(Shape s) {
    return spatial(s, 1);
  }

  static int[] spatial(Shape s, int first) {
    return new int[] {(int) s.dim(first).size(), (int) s.dim(first + 1).size()};
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    Value w = inputs.get(1);
    Geometry g = Geometry.of(x.shape(), w.shape(), attrs);
    double[] out = new double[g.n() * g.oh() * g.ow() * g.f()];
    g.forEachTap((xi, wi, oi) -> {
      for (int f = 0; f < g.f(); f++) {
        out[oi + f] += x.get(xi) * w.get(wi + f);
      }
    });
    return new Value(x.dtype(), new int[] {g.n(), g.oh(), g.ow(), g.f()}, out);
  }

  /** Concrete sizes of one convolution: input [n, h, w, c], filter [kh, kw, c, f], output. */
  record Geometry(int n, int h, int w, int c, int kh, int kw, int f, Windows.Axis rows, Windows.Axis cols) {
    int oh() {
      return rows.out();
    }

    int ow() {
      return cols.out();
    }

    static Geometry of(int[] x, int[] w, Attrs attrs) {
      Windows.Axis[] a = Windows.axes(x[1], x[2], new int[] {w[0], w[1]}, attrs);
      return new Geometry(x[0], x[1], x[2], x[3], w[0], w[1], w[3], a[0], a[1]);
    }

    /** A visit of one (input element, filter row, output row) triple. */
    interface Tap {
      void at(int inputIndex, int filterRowIndex, int outputRowIndex);
    }

    /**
     * Calls {@code tap} for every output position, window offset inside the input and input
     * channel: with the flat index of the input element, of filter row [kh, kw, c, 0] and of
     * output row [n, oh, ow, 0]. Padded positions are skipped (they hold zeros).
     */
    void forEachTap(Tap tap) {
      for (int b = 0; b < n; b++) {
        for (int i = 0; i < oh(); i++) {
          for (int j = 0; j < ow(); j++) {
            int o = ((b * oh() + i) * ow() + j) * f;
            for (int p = 0; p < kh; p++) {
              int y = i * rows.stride() + p - rows.padBefore();
              if (y < 0 || y >= h) {
                continue;
              }
              for (int q = 0; q < kw; q++) {
                int x = j * cols.stride() + q - cols.padBefore();
                if (x < 0 || x >= w) {
                  continue;
                }
                for (int ch = 0; ch < c; ch++) {
                  tap.at(((b * h + y) * w + x) * c + ch, ((p * kw + q) * c + ch) * f, o);
                }
              }
            }
          }
        }
      }
    }
  }
}

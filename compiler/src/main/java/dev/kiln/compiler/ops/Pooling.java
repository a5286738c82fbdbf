package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.TensorType;

/** Shape rule and reference window iteration shared by the pooling ops and their gradients. */
record Pooling(int n, int h, int w, int c, int kh, int kw, Windows.Axis rows, Windows.Axis cols) {
  static TensorType inferType(String op, TensorType x, Attrs attrs) {
    Windows.checkAttrs(op, attrs);
    Windows.checkNhwc(op, "an input", x);
    int[] k = Windows.window(op, attrs);
    return new TensorType(x.dtype(), Windows.output(op, x.shape(), k, attrs, x.shape().dim(3).size(), "window"));
  }

  static Pooling of(int[] x, Attrs attrs) {
    int[] k = attrs.getInts("window");
    Windows.Axis[] a = Windows.axes(x[1], x[2], k, attrs);
    return new Pooling(x[0], x[1], x[2], x[3], k[0], k[1], a[0], a[1]);
  }

  int[] inShape() {
    return new int[] {n, h, w, c};
  }

  int[] outShape() {
    return new int[] {n, rows.out(), cols.out(), c};
  }

  int outSize() {
    return n * rows.out() * cols.out() * c;
  }

  /** One window: the flat output index and the flat input indices inside the input, row-major. */
  interface Visit {
    void window(int outputIndex, int[] inputIndices);
  }

  void forEachWindow(Visit visit) {
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < rows.out(); i++) {
        for (int j = 0; j < cols.out(); j++) {
          for (int ch = 0; ch < c; ch++) {
            int[] taps = new int[kh * kw];
            int count = 0;
            for (int p = 0; p < kh; p++) {
              int y = i * rows.stride() + p - rows.padBefore();
              for (int q = 0; q < kw; q++) {
                int x = j * cols.stride() + q - cols.padBefore();
                if (y >= 0 && y < h && x >= 0 && x < w) {
                  taps[count++] = ((b * h + y) * w + x) * c + ch;
                }
              }
            }
            int o = ((b * rows.out() + i) * cols.out() + j) * c + ch;
            visit.window(o, java.util.Arrays.copyOf(taps, count));
          }
        }
      }
    }
  }

  /** Position in {@code taps} of the first maximum (a NaN wins, as in argmax). */
  static int argmax(Value x, int[] taps) {
    int best = 0;
    for (int t = 1; t < taps.length; t++) {
      double v = x.get(taps[t]);
      if (Double.isNaN(x.get(taps[best]))) {
        break;
      }
      if (v > x.get(taps[best]) || Double.isNaN(v)) {
        best = t;
      }
    }
    return best;
  }
}

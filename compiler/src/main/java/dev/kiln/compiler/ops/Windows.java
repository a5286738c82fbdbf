package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.ir.TensorType;
import java.util.Arrays;

/**
 * The sliding-window geometry shared by conv2d and the pools, exactly as TensorFlow defines it:
 * VALID gives {@code ceil((in - k + 1) / s)} positions and no padding; SAME gives
 * {@code ceil(in / s)} positions and pads {@code max((out - 1) * s + k - in, 0)} elements, half
 * before and the extra one after (bottom/right). Attributes: {@code strides} (int[2]),
 * {@code padding} ("SAME" or "VALID"), and for pools {@code window} (int[2]).
 */
public final class Windows {
  private Windows() {}

  public static final String SAME = "SAME";
  public static final String VALID = "VALID";

  /** One spatial axis: input size, window size, stride, output size and padding before. */
  public record Axis(int in, int k, int stride, int out, int padBefore) {}

  /** Output size of one axis. */
  public static int outSize(int in, int k, int stride, boolean same) {
    return same ? (in + stride - 1) / stride : (in - k + stride) / stride;
  }

  public static Axis axis(int in, int k, int stride, boolean same) {
    int out = outSize(in, k, stride, same);
    int padTotal = same ? Math.max((out - 1) * stride + k - in, 0) : 0;
    return new Axis(in, k, stride, out, padTotal / 2);
  }

  static boolean same(Attrs attrs) {
    return attrs.<String>get("padding").equals(SAME);
  }

  /** Both spatial axes of an NHWC tensor with spatial sizes {@code h, w} and window {@code k}. */
  public static Axis[] axes(int h, int w, int[] k, Attrs attrs) {
    int[] s = attrs.getInts("strides");
    boolean same = same(attrs);
    return new Axis[] {axis(h, k[0], s[0], same), axis(w, k[1], s[1], same)};
  }

  /** Checks strides and padding attributes. */
  static void checkAttrs(String op, Attrs attrs) {
    String p = attrs.get("padding");
    if (!p.equals(SAME) && !p.equals(VALID)) {
      throw new ShapeError(op + ": padding must be SAME or VALID, got " + p);
    }
    int[] s = attrs.getInts("strides");
    if (s.length != 2 || s[0] <= 0 || s[1] <= 0) {
      throw new ShapeError(op + ": strides must be two positive ints, got " + Arrays.toString(s));
    }
  }

  /**
   * Checks that {@code x} is a floating-point NHWC tensor whose height, width and channels are
   * static (the batch may be symbolic).
   */
  static void checkNhwc(String op, String what, TensorType x) {
    OpSupport.requireFloating(op, x);
    Shape s = x.shape();
    if (s.rank() != 4) {
      throw new ShapeError(op + ": expects " + what + " of rank 4 [batch, height, width, channels], got " + s);
    }
    for (int i = 1; i < 4; i++) {
      if (!s.dim(i).isStatic()) {
        throw new ShapeError(op + ": expects " + what + " with static height, width and channels, got " + s);
      }
    }
  }

  /** The output [batch, outH, outW, channels] for window {@code k} over {@code x}, checked. */
  static Shape output(String op, Shape x, int[] k, Attrs attrs, long channels, String windowWhat) {
    int h = (int) x.dim(1).size();
    int w = (int) x.dim(2).size();
    if (!same(attrs) && (k[0] > h || k[1] > w)) {
      throw new ShapeError(op + ": the " + k[0] + "x" + k[1] + " " + windowWhat
          + " is larger than the " + h + "x" + w + " input " + x + " with VALID padding");
    }
    Axis[] a = axes(h, w, k, attrs);
    return Shape.of(x.dim(0), Dim.of(a[0].out()), Dim.of(a[1].out()), Dim.of(channels));
  }

  /** The window attribute checked: two positive ints. */
  static int[] window(String op, Attrs attrs) {
    int[] k = attrs.getInts("window");
    if (k.length != 2 || k[0] <= 0 || k[1] <= 0) {
      throw new ShapeError(op + ": the window must be two positive ints, got " + Arrays.toString(k));
    }
    return k;
  }
}

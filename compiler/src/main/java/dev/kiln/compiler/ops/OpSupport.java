package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Helpers shared by op definitions: diagnostics names, axis lists, dtype checks. */
final class OpSupport {
  private OpSupport() {}

  /** {@code NotEqual} → {@code notEqual}: the op as the user writes it. */
  static String userName(String opName) {
    return Character.toLowerCase(opName.charAt(0)) + opName.substring(1);
  }

  /** Rejects anything but a floating-point tensor. */
  static void requireFloating(String op, TensorType x) {
    if (!x.dtype().isFloating()) {
      throw new ShapeError(op + ": expects a floating-point tensor, got " + x);
    }
  }

  /** Rejects BOOL tensors. */
  static void requireNumeric(String op, TensorType x) {
    if (x.dtype() == DType.BOOL) {
      throw new ShapeError(op + ": expects a numeric tensor, got " + x);
    }
  }

  /**
   * Normalizes {@code axes} of a tensor of {@code shape} (negative counting from the end) into an
   * ascending list without duplicates; an empty list means every axis.
   */
  static int[] normalizeAxes(String op, Shape shape, int[] axes) {
    if (axes.length == 0) {
      int[] all = new int[shape.rank()];
      Arrays.setAll(all, i -> i);
      return all;
    }
    boolean[] seen = new boolean[shape.rank()];
    for (int axis : axes) {
      int a = shape.normalizeAxis(axis);
      if (a < 0) {
        throw new ShapeError(op + ": axis " + axis + " is out of range for shape " + shape);
      }
      if (seen[a]) {
        throw new ShapeError(op + ": axis " + axis + " is listed twice for shape " + shape);
      }
      seen[a] = true;
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < seen.length; i++) {
      if (seen[i]) {
        out.add(i);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The shape with {@code axes} (normalized, ascending) removed, or set to 1 when keepDims. */
  static Shape reduceShape(Shape shape, int[] axes, boolean keepDims) {
    boolean[] reduced = mask(shape.rank(), axes);
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < shape.rank(); i++) {
      if (!reduced[i]) {
        out.add(shape.dim(i));
      } else if (keepDims) {
        out.add(Dim.of(1));
      }
    }
    return new Shape(out);
  }

  static boolean[] mask(int rank, int[] axes) {
    boolean[] m = new boolean[rank];
    for (int a : axes) {
      m[a] = true;
    }
    return m;
  }

  /** Concrete variant of {@link #normalizeAxes} for a value of rank {@code rank}. */
  static int[] normalizeAxes(int rank, int[] axes) {
    if (axes.length == 0) {
      int[] all = new int[rank];
      Arrays.setAll(all, i -> i);
      return all;
    }
    return Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).sorted().distinct().toArray();
  }

  /**
   * Reduces {@code x} over {@code axes} (normalized) with {@code f}: for each output element, the
   * list of flat input indices reduced into it, in row-major order.
   */
  static int[][] reductionGroups(int[] shape, int[] axes) {
    boolean[] reduced = mask(shape.length, axes);
    int[] keptShape = new int[shape.length];
    for (int i = 0; i < shape.length; i++) {
      keptShape[i] = reduced[i] ? 1 : shape[i];
    }
    int outSize = Value.sizeOf(keptShape);
    int inSize = Value.sizeOf(shape);
    int groupSize = outSize == 0 ? 0 : inSize / outSize;
    int[][] groups = new int[outSize][groupSize];
    int[] fill = new int[outSize];
    int[] outStrides = Value.strides(keptShape);
    int[] coord = new int[shape.length];
    for (int flat = 0; flat < inSize; flat++) {
      int o = 0;
      for (int d = 0; d < shape.length; d++) {
        if (!reduced[d]) {
          o += coord[d] * outStrides[d];
        }
      }
      groups[o][fill[o]++] = flat;
      for (int d = shape.length - 1; d >= 0; d--) {
        if (++coord[d] < shape[d]) {
          break;
        }
        coord[d] = 0;
      }
    }
    return groups;
  }

  /** The concrete output shape of a reduction. */
  static int[] reduceShape(int[] shape, int[] axes, boolean keepDims) {
    boolean[] reduced = mask(shape.length, axes);
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < shape.length; i++) {
      if (!reduced[i]) {
        out.add(shape[i]);
      } else if (keepDims) {
        out.add(1);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }
}

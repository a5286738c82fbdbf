package dev.kiln.compiler.interp;

import dev.kiln.dsl.DType;
import java.util.Arrays;

/**
 * A concrete value in the reference interpreter: row-major elements held as doubles and rounded
 * to the dtype on creation (f32 values are exactly representable floats, integers are whole,
 * booleans 0 or 1). Simplicity over speed: this is the oracle, not a backend.
 */
public record Value(DType dtype, int[] shape, double[] data) {
  public Value {
    shape = shape.clone();
    if (data.length != sizeOf(shape)) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + sizeOf(shape) + " elements, got " + data.length);
    }
    data = data.clone();
    for (int i = 0; i < data.length; i++) {
      data[i] = round(dtype, data[i]);
    }
  }

  public static Value scalar(DType dtype, double v) {
    return new Value(dtype, new int[0], new double[] {v});
  }

  public static Value zeros(DType dtype, int... shape) {
    return new Value(dtype, shape, new double[sizeOf(shape)]);
  }

  public static Value of(DType dtype, int[] shape, double... data) {
    return new Value(dtype, shape, data);
  }

  public static int sizeOf(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /** Rounds {@code v} to a value representable in {@code dtype}. */
  public static double round(DType dtype, double v) {
    return switch (dtype) {
      case F32, F16, BF16 -> (float) v;
      case F64 -> v;
      case I64 -> (double) (long) v;
      case I32 -> (int) v;
      case I16 -> (short) v;
      case I8 -> (byte) v;
      case U8 -> ((int) v) & 0xff;
      case BOOL -> v != 0 ? 1 : 0;
    };
  }

  public int rank() {
    return shape.length;
  }

  public int size() {
    return data.length;
  }

  public int dim(int axis) {
    return shape[axis];
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** The element data; callers must not modify it. */
  @Override
  public double[] data() {
    return data;
  }

  public double get(int flatIndex) {
    return data[flatIndex];
  }

  /** Row-major strides of {@code shape}. */
  public static int[] strides(int[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Value a
        && a.dtype == dtype
        && Arrays.equals(a.shape, shape)
        && Arrays.equals(a.data, data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return dtype.label() + Arrays.toString(shape)
        + (data.length <= 16 ? Arrays.toString(data) : "(" + data.length + " elements)");
  }
}

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

  /**
   * Rounds {@code v} to a value representable in {@code dtype}. Floats round to nearest even:
   * f16 and bf16 through f32 first (as a backend converting an f32 does). Integers truncate toward
   * zero to a long (NaN gives 0, values beyond the long range saturate) and then <em>wrap</em> to
   * their width in two's complement, as Java's and TensorFlow's integer arithmetic does on
   * overflow: i8 127 + 1 is -128, u8 0 - 1 is 255. (A cast from floating point narrows as Java
   * does instead; see the Cast op.)
   */
  public static double round(DType dtype, double v) {
    return switch (dtype) {
      case F32 -> (float) v;
      case F16 -> Float.float16ToFloat(Float.floatToFloat16((float) v));
      case BF16 -> bf16ToFloat(floatToBf16((float) v));
      case F64 -> v;
      case I64 -> (double) (long) v;
      case I32 -> (int) (long) v;
      case I16 -> (short) (long) v;
      case I8 -> (byte) (long) v;
      case U8 -> ((long) v) & 0xff;
      case BOOL -> v != 0 ? 1 : 0;
    };
  }

  /**
   * The bf16 bits of {@code f}: its top 16 bits, rounded to nearest even; NaN stays a (quiet)
   * NaN. Kept identical to the runtime's {@code BFloat16.fromFloat}, which generated code calls.
   */
  public static short floatToBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
  }

  /** The f32 value of bf16 bits. */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat(bits << 16);
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

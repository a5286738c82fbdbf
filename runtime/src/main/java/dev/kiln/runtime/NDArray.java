package dev.kiln.runtime;

import dev.kiln.dsl.DType;
import java.util.Arrays;
import java.util.Objects;

/**
 * A host tensor: an element type, a shape and row-major storage in a plain Java array.
 *
 * <p>Storage by dtype: {@code F32 → float[]}, {@code F64 → double[]}, {@code I32 → int[]},
 * {@code I64 → long[]}, {@code BOOL → boolean[]}, {@code I16 → short[]}, {@code I8/U8 → byte[]},
 * and {@code F16/BF16 → short[]} holding the raw 16-bit patterns (storage only; arithmetic on them
 * runs in f32). The array is shared, never copied, by the accessors: generated kernels read and
 * write it directly.
 */
public final class NDArray {
  private final DType dtype;
  private final int[] shape;
  private final Object storage;
  private final int size;

  private NDArray(DType dtype, int[] shape, Object storage) {
    this.dtype = dtype;
    this.shape = shape;
    this.storage = storage;
    this.size = sizeOf(shape);
    int length = java.lang.reflect.Array.getLength(storage);
    if (length != size) {
      throw new IllegalArgumentException(
          "an array of " + length + " " + dtype.label() + " values cannot have shape "
              + Arrays.toString(shape) + ", which holds " + size);
    }
  }

  /** The number of elements a shape holds; negative dimensions or overflow are rejected. */
  public static int sizeOf(int... shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension");
      }
      n *= d;
      if (n > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds more than 2^31 elements");
      }
    }
    return (int) n;
  }

  /** A new array of zeros (false for BOOL). */
  public static NDArray zeros(DType dtype, int... shape) {
    Objects.requireNonNull(dtype, "dtype");
    int n = sizeOf(shape);
    return new NDArray(dtype, shape.clone(), newStorage(dtype, n));
  }

  static Object newStorage(DType dtype, int n) {
    return switch (dtype) {
      case F32 -> new float[n];
      case F64 -> new double[n];
      case I32 -> new int[n];
      case I64 -> new long[n];
      case BOOL -> new boolean[n];
      case I16, F16, BF16 -> new short[n];
      case I8, U8 -> new byte[n];
    };
  }

  static Class<?> storageClass(DType dtype) {
    return switch (dtype) {
      case F32 -> float[].class;
      case F64 -> double[].class;
      case I32 -> int[].class;
      case I64 -> long[].class;
      case BOOL -> boolean[].class;
      case I16, F16, BF16 -> short[].class;
      case I8, U8 -> byte[].class;
    };
  }

  /** Wraps {@code data} without copying. */
  public static NDArray of(float[] data, int... shape) {
    return new NDArray(DType.F32, shape.clone(), Objects.requireNonNull(data, "data"));
  }

  /** Wraps {@code data} without copying. */
  public static NDArray of(double[] data, int... shape) {
    return new NDArray(DType.F64, shape.clone(), Objects.requireNonNull(data, "data"));
  }

  /** Wraps {@code data} without copying. */
  public static NDArray of(int[] data, int... shape) {
    return new NDArray(DType.I32, shape.clone(), Objects.requireNonNull(data, "data"));
  }

  /** Wraps {@code data} without copying. */
  public static NDArray of(long[] data, int... shape) {
    return new NDArray(DType.I64, shape.clone(), Objects.requireNonNull(data, "data"));
  }

  /** Wraps {@code data} without copying. */
  public static NDArray of(boolean[] data, int... shape) {
    return new NDArray(DType.BOOL, shape.clone(), Objects.requireNonNull(data, "data"));
  }

  /**
   * Wraps {@code storage} (the array type {@link #zeros} would use for {@code dtype}) without
   * copying; the general form of the typed {@code of} methods, also for I16/I8/U8/F16/BF16.
   */
  public static NDArray wrap(DType dtype, Object storage, int... shape) {
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(storage, "storage");
    if (storage.getClass() != storageClass(dtype)) {
      throw new IllegalArgumentException(
          dtype.label() + " values are stored in a " + storageClass(dtype).getSimpleName()
              + ", not a " + storage.getClass().getSimpleName());
    }
    return new NDArray(dtype, shape.clone(), storage);
  }

  /** A rank-0 f32 tensor. */
  public static NDArray scalar(float v) {
    return new NDArray(DType.F32, new int[0], new float[] {v});
  }

  /** A rank-0 f64 tensor. */
  public static NDArray scalar(double v) {
    return new NDArray(DType.F64, new int[0], new double[] {v});
  }

  public DType dtype() {
    return dtype;
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public int dim(int axis) {
    if (axis < 0 || axis >= shape.length) {
      throw new IndexOutOfBoundsException(
          "axis " + axis + " is out of range for " + shapeString());
    }
    return shape[axis];
  }

  public int size() {
    return size;
  }

  private IllegalStateException wrongType(DType wanted) {
    return new IllegalStateException(
        "this array is " + dtype.label() + ", not " + wanted.label() + ": " + shapeString());
  }

  /** The backing f32 array (no copy). */
  public float[] floats() {
    if (dtype != DType.F32) throw wrongType(DType.F32);
    return (float[]) storage;
  }

  /** The backing f64 array (no copy). */
  public double[] doubles() {
    if (dtype != DType.F64) throw wrongType(DType.F64);
    return (double[]) storage;
  }

  /** The backing i32 array (no copy). */
  public int[] ints() {
    if (dtype != DType.I32) throw wrongType(DType.I32);
    return (int[]) storage;
  }

  /** The backing i64 array (no copy). */
  public long[] longs() {
    if (dtype != DType.I64) throw wrongType(DType.I64);
    return (long[]) storage;
  }

  /** The backing bool array (no copy). */
  public boolean[] bools() {
    if (dtype != DType.BOOL) throw wrongType(DType.BOOL);
    return (boolean[]) storage;
  }

  /** The backing array of an I16, F16 or BF16 tensor (no copy; F16/BF16 hold raw bits). */
  public short[] shorts() {
    if (dtype != DType.I16 && dtype != DType.F16 && dtype != DType.BF16) throw wrongType(DType.I16);
    return (short[]) storage;
  }

  /** The backing array of an I8 or U8 tensor (no copy). */
  public byte[] bytes() {
    if (dtype != DType.I8 && dtype != DType.U8) throw wrongType(DType.I8);
    return (byte[]) storage;
  }

  /** The backing array, whatever its type. */
  public Object storage() {
    return storage;
  }

  /** The row-major position of an index, with bounds checks. */
  public int offset(int... index) {
    if (index.length != shape.length) {
      throw new IllegalArgumentException(
          "index " + Arrays.toString(index) + " has " + index.length + " coordinates; "
              + shapeString() + " needs " + shape.length);
    }
    int off = 0;
    for (int i = 0; i < shape.length; i++) {
      if (index[i] < 0 || index[i] >= shape[i]) {
        throw new IndexOutOfBoundsException(
            "index " + Arrays.toString(index) + " is out of bounds for " + shapeString());
      }
      off = off * shape[i] + index[i];
    }
    return off;
  }

  /** The element at {@code index} as a float (any numeric dtype). */
  public float getFloat(int... index) {
    int off = offset(index);
    return dtype == DType.F32 ? ((float[]) storage)[off] : (float) elementAsDouble(off);
  }

  /** The only element, as a float. */
  public float floatValue() {
    if (size != 1) {
      throw new IllegalStateException(
          "floatValue() needs exactly one element, but " + shapeString() + " has " + size);
    }
    return dtype == DType.F32 ? ((float[]) storage)[0] : (float) elementAsDouble(0);
  }

  /** The element at {@code index} as a double (any numeric dtype; BOOL is 0 or 1). */
  public double getDouble(int... index) {
    return elementAsDouble(offset(index));
  }

  /** The element at a flat row-major position as a double. */
  public double elementAsDouble(int flat) {
    return switch (dtype) {
      case F32 -> ((float[]) storage)[flat];
      case F64 -> ((double[]) storage)[flat];
      case I32 -> ((int[]) storage)[flat];
      case I64 -> ((long[]) storage)[flat];
      case I16 -> ((short[]) storage)[flat];
      case I8 -> ((byte[]) storage)[flat];
      case U8 -> ((byte[]) storage)[flat] & 0xff;
      case BOOL -> ((boolean[]) storage)[flat] ? 1.0 : 0.0;
      case F16 -> Float.float16ToFloat(((short[]) storage)[flat]);
      case BF16 -> Float.intBitsToFloat((((short[]) storage)[flat] & 0xffff) << 16);
    };
  }

  /** A deep copy. */
  public NDArray copy() {
    Object s = newStorage(dtype, size);
    System.arraycopy(storage, 0, s, 0, size);
    return new NDArray(dtype, shape.clone(), s);
  }

  /** Copies all of {@code src} (same dtype and shape) into this array. */
  public void copyFrom(NDArray src) {
    if (src.dtype != dtype || !Arrays.equals(src.shape, shape)) {
      throw new IllegalArgumentException(
          "cannot copy " + src.shapeString() + " into " + shapeString());
    }
    System.arraycopy(src.storage, 0, storage, 0, size);
  }

  private int rowSize() {
    if (shape.length == 0) {
      throw new IllegalStateException("a scalar " + shapeString() + " has no rows");
    }
    return shape[0] == 0 ? sizeOf(Arrays.copyOfRange(shape, 1, shape.length)) : size / shape[0];
  }

  /** A copy of rows {@code [from, to)} along axis 0. */
  public NDArray rows(int from, int to) {
    int rowSize = rowSize();
    if (from < 0 || to < from || to > shape[0]) {
      throw new IndexOutOfBoundsException(
          "rows [" + from + ", " + to + ") are out of range for " + shapeString());
    }
    int[] s = shape.clone();
    s[0] = to - from;
    Object dst = newStorage(dtype, s[0] * rowSize);
    System.arraycopy(storage, from * rowSize, dst, 0, s[0] * rowSize);
    return new NDArray(dtype, s, dst);
  }

  /** A new array holding the given rows of {@code src}, in the given order. */
  public static NDArray gatherRows(NDArray src, int[] rowIndices) {
    int rowSize = src.rowSize();
    int[] s = src.shape.clone();
    s[0] = rowIndices.length;
    Object dst = newStorage(src.dtype, sizeOf(s));
    for (int i = 0; i < rowIndices.length; i++) {
      int r = rowIndices[i];
      if (r < 0 || r >= src.shape[0]) {
        throw new IndexOutOfBoundsException(
            "row " + r + " is out of range for " + src.shapeString());
      }
      System.arraycopy(src.storage, r * rowSize, dst, i * rowSize, rowSize);
    }
    return new NDArray(src.dtype, s, dst);
  }

  /** The type and shape, e.g. {@code f32[100, 10]}. */
  public String shapeString() {
    StringBuilder b = new StringBuilder(dtype.label()).append('[');
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) b.append(", ");
      b.append(shape[i]);
    }
    return b.append(']').toString();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof NDArray other)) return false;
    if (dtype != other.dtype || !Arrays.equals(shape, other.shape)) return false;
    return switch (storage) {
      case float[] a -> Arrays.equals(a, (float[]) other.storage);
      case double[] a -> Arrays.equals(a, (double[]) other.storage);
      case int[] a -> Arrays.equals(a, (int[]) other.storage);
      case long[] a -> Arrays.equals(a, (long[]) other.storage);
      case boolean[] a -> Arrays.equals(a, (boolean[]) other.storage);
      case short[] a -> Arrays.equals(a, (short[]) other.storage);
      case byte[] a -> Arrays.equals(a, (byte[]) other.storage);
      default -> throw new AssertionError(storage.getClass());
    };
  }

  @Override
  public int hashCode() {
    int h = dtype.hashCode() * 31 + Arrays.hashCode(shape);
    int c = switch (storage) {
      case float[] a -> Arrays.hashCode(a);
      case double[] a -> Arrays.hashCode(a);
      case int[] a -> Arrays.hashCode(a);
      case long[] a -> Arrays.hashCode(a);
      case boolean[] a -> Arrays.hashCode(a);
      case short[] a -> Arrays.hashCode(a);
      case byte[] a -> Arrays.hashCode(a);
      default -> throw new AssertionError(storage.getClass());
    };
    return h * 31 + c;
  }

  /** Short: the type and shape plus the first few values, e.g. {@code f32[2, 2] [1.0, 2.0, 3.0, 4.0]}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(shapeString()).append(" [");
    int shown = Math.min(size, 6);
    for (int i = 0; i < shown; i++) {
      if (i > 0) b.append(", ");
      switch (dtype) {
        case F32 -> b.append(((float[]) storage)[i]);
        case BOOL -> b.append(((boolean[]) storage)[i]);
        case F64, F16, BF16 -> b.append(elementAsDouble(i));
        default -> b.append((long) elementAsDouble(i));
      }
    }
    if (size > shown) b.append(", …");
    return b.append(']').toString();
  }
}

package dev.kiln.processor.eval;

import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import dev.kiln.processor.eval.Value.ArrayValue;
import dev.kiln.processor.eval.Value.EnumValue;
import dev.kiln.processor.eval.Value.NumberValue;
import dev.kiln.processor.eval.Value.TensorValue;

/**
 * The DSL's neural, random and value calls: conv2d and the pools with their stride and padding
 * overloads, dropout, and the tensor forms of zeros, ones, fill, range and the random draws, told
 * apart from the initializer factories of the same names by their arguments.
 */
final class NeuralCalls {
  private NeuralCalls() {}

  static final String PADDING = "dev.kiln.dsl.Padding";

  /** {@code conv2d(x, filter, stride, padding)} or {@code conv2d(x, filter, strideH, strideW, padding)}. */
  static Value conv2d(Call c) {
    c.arity(4, 5);
    int[] strides = c.count() == 4 ? new int[] {c.intArg(2), c.intArg(2)}
        : new int[] {c.intArg(2), c.intArg(3)};
    return new TensorValue(Emit.conv2d(c.b, c.tensor(0), c.tensor(1), strides, padding(c, c.count() - 1)));
  }

  @FunctionalInterface
  interface Pool {
    dev.kiln.compiler.ir.Node emit(dev.kiln.compiler.ir.GraphBuilder b, dev.kiln.compiler.ir.Node x,
        int[] window, int[] strides, String padding);
  }

  /** {@code pool(x, window, stride, padding)} or {@code pool(x, windowH, windowW, strideH, strideW, padding)}. */
  static Value pool(Call c, Pool emit) {
    c.arity(4, 6);
    if (c.count() == 5) {
      throw c.error(c.written + ": expects 4 arguments (x, window, stride, padding) or 6 (x, windowH,"
          + " windowW, strideH, strideW, padding), got 5");
    }
    boolean square = c.count() == 4;
    int[] window = square ? new int[] {c.intArg(1), c.intArg(1)} : new int[] {c.intArg(1), c.intArg(2)};
    int[] strides = square ? new int[] {c.intArg(2), c.intArg(2)} : new int[] {c.intArg(3), c.intArg(4)};
    return new TensorValue(emit.emit(c.b, c.tensor(0), window, strides, padding(c, c.count() - 1)));
  }

  /** Argument {@code i} as "SAME" or "VALID". */
  static String padding(Call c, int i) {
    if (c.raw(i) instanceof EnumValue(String type, String constant) && type.equals(PADDING)) {
      return constant;
    }
    throw c.errorAt(i, c.written + ": argument " + (i + 1) + " must be a padding, SAME or VALID, got "
        + c.raw(i).describe());
  }

  static Value dropout(Call c) {
    c.arity(2, 2);
    return new TensorValue(Emit.dropout(c.b, c.tensor(0), c.number(1)));
  }

  /**
   * {@code zeros(2, 3)} or {@code zeros(new int[] {2, 3})}: a constant; {@code zeros()} stays the
   * initializer ({@code initializer}).
   */
  static Value filled(Call c, DslTable.Op initializer, double value) {
    if (c.count() == 0) {
      return initializer.apply(c);
    }
    return new TensorValue(Emit.fill(c.b, DType.F32, shape(c, 0), value));
  }

  /** {@code fill(value, shape...)}. */
  static Value fill(Call c) {
    c.arity(2, Integer.MAX_VALUE);
    return new TensorValue(Emit.fill(c.b, DType.F32, shape(c, 1), c.number(0)));
  }

  /** {@code range(start, limit, delta)}: i32 when all three are ints, else f32 (TensorFlow's rule). */
  static Value range(Call c) {
    c.arity(3, 3);
    boolean ints = true;
    for (int i = 0; i < 3; i++) {
      c.number(i);
      ints &= c.raw(i) instanceof NumberValue n && n.isIntegral();
    }
    return new TensorValue(Emit.range(c.b, ints ? DType.I32 : DType.F32, c.number(0), c.number(1), c.number(2)));
  }

  @FunctionalInterface
  interface Draw {
    dev.kiln.compiler.ir.Node emit(dev.kiln.compiler.ir.GraphBuilder b, DType dtype, Shape shape,
        double a, double bb);
  }

  /**
   * {@code randomNormal(new int[] {2, 3}, mean, stddev)}: a fresh random tensor per run; with a
   * number first it is the initializer factory of the same name ({@code initializer}).
   */
  static Value random(Call c, DslTable.Op initializer, Draw emit) {
    if (c.count() == 0 || !(c.raw(0) instanceof ArrayValue)) {
      return initializer.apply(c);
    }
    c.arity(3, 3);
    return new TensorValue(emit.emit(c.b, DType.F32, shape(c, c.intArray(0), 0), c.number(1), c.number(2)));
  }

  /** Arguments {@code from..} as a static shape: positive ints, or one {@code new int[] {...}}. */
  static Shape shape(Call c, int from) {
    int[] dims = c.count() == from + 1 && c.raw(from) instanceof ArrayValue ? c.intArray(from) : c.ints(from);
    return shape(c, dims, from);
  }

  private static Shape shape(Call c, int[] dims, int from) {
    long[] sizes = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0) {
        throw c.errorAt(Math.min(from + i, c.count() - 1), c.written + ": a size must not be negative, got " + dims[i]);
      }
      sizes[i] = dims[i];
    }
    return Shape.of(sizes);
  }
}

package dev.kiln.codegen.java;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.TypeName;
import dev.kiln.dsl.DType;

/**
 * How each dtype is held in generated code, and its literals. Every dtype has a <em>storage</em>
 * element type (the runtime NDArray's backing array: float, double, int, long, boolean, short for
 * i16/f16/bf16, byte for i8/u8) and a <em>compute</em> type that kernels do arithmetic in: the
 * storage type itself, except i16/i8/u8 (computed in int, as Java promotes them; u8 read as
 * {@code b & 0xff}) and f16/bf16 (computed in float). {@link #load} turns a stored element into a
 * compute value and {@link #store} narrows a compute value back: integer narrowing wraps (two's
 * complement, like Java's and TensorFlow's integer arithmetic), f16 rounds with
 * {@code Float.floatToFloat16}, bf16 keeps the top 16 bits of the f32 rounded to nearest even.
 */
final class JavaTypes {
  private JavaTypes() {}

  /** The runtime helper that encodes bf16 (the JDK has f16 conversions but none for bf16). */
  static final String BF16 = "dev.kiln.runtime.BFloat16";

  /** Whether {@code t} is stored in a type narrower than its compute type. */
  static boolean narrow(DType t) {
    return switch (t) {
      case I16, I8, U8, F16, BF16 -> true;
      default -> false;
    };
  }

  /** The storage element type: float, double, int, long, boolean, short or byte. */
  static TypeName element(DType t) {
    return switch (t) {
      case F32 -> TypeName.FLOAT;
      case F64 -> TypeName.DOUBLE;
      case I32 -> TypeName.INT;
      case I64 -> TypeName.LONG;
      case BOOL -> TypeName.BOOLEAN;
      case I16, F16, BF16 -> TypeName.SHORT;
      case I8, U8 -> TypeName.BYTE;
    };
  }

  /** The type kernels compute {@code t}'s values in (int for i16/i8/u8, float for f16/bf16). */
  static TypeName compute(DType t) {
    return switch (t) {
      case I16, I8, U8 -> TypeName.INT;
      case F16, BF16 -> TypeName.FLOAT;
      default -> element(t);
    };
  }

  /**
   * The Java type a scalar fetch returns: the storage type, except u8 (an int 0..255) and
   * f16/bf16 (the float they stand for).
   */
  static TypeName scalar(DType t) {
    return switch (t) {
      case U8 -> TypeName.INT;
      case F16, BF16 -> TypeName.FLOAT;
      default -> element(t);
    };
  }

  static TypeName array(DType t) {
    return ArrayTypeName.of(element(t));
  }

  /** The NDArray accessor of the backing array: floats, doubles, ints, longs, bools, shorts, bytes. */
  static String accessor(DType t) {
    return switch (t) {
      case F32 -> "floats";
      case F64 -> "doubles";
      case I32 -> "ints";
      case I64 -> "longs";
      case BOOL -> "bools";
      case I16, F16, BF16 -> "shorts";
      case I8, U8 -> "bytes";
    };
  }

  /** A stored element (an array access or single token) as a compute value. */
  static String load(DType t, String stored) {
    return switch (t) {
      // an explicit widening keeps every compute value an int, so a store's narrowing cast is
      // never redundant (generated code compiles with -Xlint:all -Werror)
      case I16, I8 -> "(int) " + stored;
      case U8 -> "(" + stored + " & 0xff)";
      case F16 -> "Float.float16ToFloat(" + stored + ")";
      case BF16 -> BF16 + ".toFloat(" + stored + ")";
      default -> stored;
    };
  }

  /** A compute value narrowed to the storage type (wrapping for integers, rounding for f16/bf16). */
  static String store(DType t, String value) {
    return switch (t) {
      case I16 -> "(short) " + KernelMethod.paren(value);
      case I8, U8 -> "(byte) " + KernelMethod.paren(value);
      case F16 -> "Float.floatToFloat16(" + value + ")";
      case BF16 -> BF16 + ".fromFloat(" + value + ")";
      default -> value;
    };
  }

  /** A compute value rounded to what {@code t} can hold, still as a compute value. */
  static String round(DType t, String value) {
    return narrow(t) ? load(t, store(t, value)) : value;
  }

  /** A Java literal of {@code v} in {@code t}'s compute type; negative numbers are parenthesized. */
  static String literal(DType t, double v) {
    String s = switch (t) {
      case F32 -> floatLiteral((float) v);
      case F16, BF16 -> floatLiteral((float) dev.kiln.compiler.interp.Value.round(t, v));
      case F64 -> doubleLiteral(v);
      case I32, I16, I8, U8 -> Integer.toString((int) dev.kiln.compiler.interp.Value.round(t, v));
      case I64 -> Long.toString((long) v) + "L";
      case BOOL -> v != 0 ? "true" : "false";
    };
    return s.startsWith("-") ? "(" + s + ")" : s;
  }

  /** A Java expression of {@code v} in {@code t}'s storage type (array initializers, fills). */
  static String storageLiteral(DType t, double v) {
    double r = dev.kiln.compiler.interp.Value.round(t, v);
    return switch (t) {
      case I16 -> "(short) " + (int) r;
      case I8, U8 -> "(byte) " + (int) r;
      case F16 -> "(short) " + Float.floatToFloat16((float) r);
      case BF16 -> "(short) " + (Float.floatToRawIntBits((float) r) >> 16);
      default -> literal(t, v);
    };
  }

  private static String floatLiteral(float f) {
    if (Float.isNaN(f)) {
      return "Float.NaN";
    }
    if (Float.isInfinite(f)) {
      return f > 0 ? "Float.POSITIVE_INFINITY" : "Float.NEGATIVE_INFINITY";
    }
    return Float.toString(f) + "f";
  }

  private static String doubleLiteral(double d) {
    if (Double.isNaN(d)) {
      return "Double.NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY";
    }
    return Double.toString(d);
  }

  /** The most negative compute value of a numeric dtype: the identity of max. */
  static String lowest(DType t) {
    return switch (t) {
      case F32, F16, BF16 -> "Float.NEGATIVE_INFINITY";
      case F64 -> "Double.NEGATIVE_INFINITY";
      case I32 -> "Integer.MIN_VALUE";
      case I64 -> "Long.MIN_VALUE";
      case I16 -> "(-32768)";
      case I8 -> "(-128)";
      case U8 -> "0";
      case BOOL -> throw new UnsupportedOperationException("no ordering on " + t.label());
    };
  }

  /** The largest compute value of a numeric dtype: the identity of min. */
  static String highest(DType t) {
    return switch (t) {
      case F32, F16, BF16 -> "Float.POSITIVE_INFINITY";
      case F64 -> "Double.POSITIVE_INFINITY";
      case I32 -> "Integer.MAX_VALUE";
      case I64 -> "Long.MAX_VALUE";
      case I16 -> "32767";
      case I8 -> "127";
      case U8 -> "255";
      case BOOL -> throw new UnsupportedOperationException("no ordering on " + t.label());
    };
  }

  /**
   * A double expression (a result computed in double) as a compute value of {@code t}: floats
   * round, integers truncate toward zero through long and then wrap to their width, exactly as
   * the interpreter's {@code Value.round}.
   */
  static String fromDouble(DType t, String doubleExpr) {
    return switch (t) {
      case F32, F16, BF16 -> "(float) " + KernelMethod.paren(doubleExpr);
      case F64 -> doubleExpr;
      case I64 -> "(long) " + KernelMethod.paren(doubleExpr);
      case I32, I16, I8, U8 -> "(int) (long) " + KernelMethod.paren(doubleExpr);
      case BOOL -> "(" + doubleExpr + ") != 0";
    };
  }

  /** {@link #fromDouble} then {@link #store}: a double result as a stored element. */
  static String storeDouble(DType t, String doubleExpr) {
    return store(t, fromDouble(t, doubleExpr));
  }
}

package dev.kiln.codegen.java;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.TypeName;
import dev.kiln.dsl.DType;

/** How each dtype the Java backend supports is held in generated code, and its literals. */
final class JavaTypes {
  private JavaTypes() {}

  /** Rejects dtypes that have no Java array type in the runtime's arithmetic (f16, i8, …). */
  static DType check(DType t, String where) {
    return switch (t) {
      case F32, F64, I32, I64, BOOL -> t;
      default -> throw new UnsupportedOperationException("the Java backend has no arithmetic on "
          + t.label() + " tensors (" + where + "); cast to f32, f64, i32, i64 or bool first");
    };
  }

  /** The element type: float, double, int, long or boolean. */
  static TypeName element(DType t) {
    return switch (check(t, "element type")) {
      case F32 -> TypeName.FLOAT;
      case F64 -> TypeName.DOUBLE;
      case I32 -> TypeName.INT;
      case I64 -> TypeName.LONG;
      case BOOL -> TypeName.BOOLEAN;
      default -> throw new AssertionError(t);
    };
  }

  static TypeName array(DType t) {
    return ArrayTypeName.of(element(t));
  }

  /** The NDArray accessor of the backing array: floats, doubles, ints, longs, bools. */
  static String accessor(DType t) {
    return switch (check(t, "accessor")) {
      case F32 -> "floats";
      case F64 -> "doubles";
      case I32 -> "ints";
      case I64 -> "longs";
      case BOOL -> "bools";
      default -> throw new AssertionError(t);
    };
  }

  /** A Java literal of {@code v} in dtype {@code t}; negative numbers are parenthesized. */
  static String literal(DType t, double v) {
    String s = switch (check(t, "literal")) {
      case F32 -> floatLiteral((float) v);
      case F64 -> doubleLiteral(v);
      case I32 -> Integer.toString((int) v);
      case I64 -> Long.toString((long) v) + "L";
      case BOOL -> v != 0 ? "true" : "false";
      default -> throw new AssertionError(t);
    };
    return s.startsWith("-") ? "(" + s + ")" : s;
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

  /** The most negative value of a numeric dtype: the identity of max. */
  static String lowest(DType t) {
    return switch (check(t, "lowest")) {
      case F32 -> "Float.NEGATIVE_INFINITY";
      case F64 -> "Double.NEGATIVE_INFINITY";
      case I32 -> "Integer.MIN_VALUE";
      case I64 -> "Long.MIN_VALUE";
      default -> throw new UnsupportedOperationException("no ordering on " + t.label());
    };
  }

  /** The largest value of a numeric dtype: the identity of min. */
  static String highest(DType t) {
    return switch (check(t, "highest")) {
      case F32 -> "Float.POSITIVE_INFINITY";
      case F64 -> "Double.POSITIVE_INFINITY";
      case I32 -> "Integer.MAX_VALUE";
      case I64 -> "Long.MAX_VALUE";
      default -> throw new UnsupportedOperationException("no ordering on " + t.label());
    };
  }

  /** Casts a double expression to the dtype's element type (for results computed in double). */
  static String fromDouble(DType t, String doubleExpr) {
    return switch (check(t, "conversion")) {
      case F32 -> "(float) " + KernelMethod.paren(doubleExpr);
      case F64 -> doubleExpr;
      case I32 -> "(int) " + KernelMethod.paren(doubleExpr);
      case I64 -> "(long) " + KernelMethod.paren(doubleExpr);
      case BOOL -> "(" + doubleExpr + ") != 0";
      default -> throw new AssertionError(t);
    };
  }
}

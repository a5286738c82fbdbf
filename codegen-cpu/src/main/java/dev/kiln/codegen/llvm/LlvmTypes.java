package dev.kiln.codegen.llvm;

import dev.kiln.dsl.DType;

/**
 * How each dtype lives in LLVM IR: a storage type (the element type of buffers, fixed by the
 * calling convention) and a compute type (what kernels do arithmetic in). bool is stored as i8
 * and computed as i1; f16 and bf16 are stored as their i16 bits and computed as float.
 */
final class LlvmTypes {
  private LlvmTypes() {}

  static String storage(DType t) {
    return switch (t) {
      case F32 -> "float";
      case F64 -> "double";
      case I32 -> "i32";
      case I64 -> "i64";
      case BOOL, I8, U8 -> "i8";
      case I16, F16, BF16 -> "i16";
    };
  }

  static String compute(DType t) {
    return switch (t) {
      case F32, F16, BF16 -> "float";
      case F64 -> "double";
      case I32 -> "i32";
      case I64 -> "i64";
      case I16 -> "i16";
      case I8, U8 -> "i8";
      case BOOL -> "i1";
    };
  }

  /** Whether arithmetic on {@code t} is floating point (in the compute type). */
  static boolean isFloat(DType t) {
    return t.isFloating();
  }

  /** Integer bit width of the compute type (1 for bool). */
  static int bits(DType t) {
    return switch (t) {
      case I64 -> 64;
      case I32 -> 32;
      case I16 -> 16;
      case I8, U8 -> 8;
      case BOOL -> 1;
      default -> throw new IllegalArgumentException(t + " is not an integer type");
    };
  }

  /** {@code v} as a constant of {@code t}'s compute type. */
  static String literal(DType t, double v) {
    return switch (t) {
      case F32, F16, BF16 -> fp((float) v);
      case F64 -> fp(v);
      case BOOL -> v != 0 ? "true" : "false";
      case U8 -> Long.toString(((long) v) & 0xFF);
      default -> Long.toString((long) v);
    };
  }

  /**
   * A floating-point constant as LLVM's exact hexadecimal form (the double's bits; a float
   * constant must be a double exactly representable as float, which a widened float is).
   */
  static String fp(double v) {
    return String.format("0x%016X", Double.doubleToRawLongBits(v));
  }

  /** The smallest value of {@code t} (-inf for floats), in its compute type. */
  static String lowest(DType t) {
    return switch (t) {
      case F32, F16, BF16, F64 -> fp(Double.NEGATIVE_INFINITY);
      case I64 -> Long.toString(Long.MIN_VALUE);
      case I32 -> Integer.toString(Integer.MIN_VALUE);
      case I16 -> Short.toString(Short.MIN_VALUE);
      case I8 -> Byte.toString(Byte.MIN_VALUE);
      case U8 -> "0";
      case BOOL -> "false";
    };
  }

  /** The largest value of {@code t} (+inf for floats), in its compute type. */
  static String highest(DType t) {
    return switch (t) {
      case F32, F16, BF16, F64 -> fp(Double.POSITIVE_INFINITY);
      case I64 -> Long.toString(Long.MAX_VALUE);
      case I32 -> Integer.toString(Integer.MAX_VALUE);
      case I16 -> Short.toString(Short.MAX_VALUE);
      case I8 -> Byte.toString(Byte.MAX_VALUE);
      case U8 -> "-1"; // 255 as i8
      case BOOL -> "true";
    };
  }

  /** The LLVM intrinsic suffix of a float compute type. */
  static String suffix(String computeType) {
    return computeType.equals("double") ? "f64" : "f32";
  }
}

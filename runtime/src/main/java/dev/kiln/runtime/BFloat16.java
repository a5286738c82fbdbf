package dev.kiln.runtime;

/**
 * bf16 ("brain float") conversions for generated code and checkpoints: a bf16 is the top 16 bits
 * of an f32 (same exponent range, 8 significant bits). The JDK converts f16
 * ({@code Float.floatToFloat16}) but not bf16, so this is the one place that does.
 */
public final class BFloat16 {
  private BFloat16() {}

  /** The bf16 bits of {@code f}, rounded to nearest even; NaN stays a (quiet) NaN. */
  public static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    // Adding 0x7fff plus the lowest kept bit rounds half to even; overflow carries into the
    // exponent, so the largest finite values round up to infinity as they should.
    return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
  }

  /** The f32 value of bf16 bits (exact). */
  public static float toFloat(short bits) {
    return Float.intBitsToFloat(bits << 16);
  }
}

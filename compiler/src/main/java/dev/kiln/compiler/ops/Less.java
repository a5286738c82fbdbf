package dev.kiln.compiler.ops;

/** {@code a < b}, as BOOL. */
final class Less extends Comparison {
  Less() {
    super("Less");
  }

  @Override
  boolean test(double a, double b) {
    return a < b;
  }
}

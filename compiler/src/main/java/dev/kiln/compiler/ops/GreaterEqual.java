package dev.kiln.compiler.ops;

/** {@code a >= b}, as BOOL. */
final class GreaterEqual extends Comparison {
  GreaterEqual() {
    super("GreaterEqual");
  }

  @Override
  boolean test(double a, double b) {
    return a >= b;
  }
}

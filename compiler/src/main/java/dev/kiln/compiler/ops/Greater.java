package dev.kiln.compiler.ops;

/** {@code a > b}, as BOOL. */
final class Greater extends Comparison {
  Greater() {
    super("Greater");
  }

  @Override
  boolean test(double a, double b) {
    return a > b;
  }
}

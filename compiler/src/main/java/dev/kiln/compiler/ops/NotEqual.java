package dev.kiln.compiler.ops;

/** {@code a != b}, as BOOL. */
final class NotEqual extends Comparison {
  NotEqual() {
    super("NotEqual");
  }

  @Override
  boolean test(double a, double b) {
    return a != b;
  }
}

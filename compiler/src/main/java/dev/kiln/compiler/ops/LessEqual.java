package dev.kiln.compiler.ops;

/** {@code a <= b}, as BOOL. */
final class LessEqual extends Comparison {
  LessEqual() {
    super("LessEqual");
  }

  @Override
  boolean test(double a, double b) {
    return a <= b;
  }
}

package dev.kiln.compiler.ops;

/** {@code a == b}, as BOOL. */
final class Equal extends Comparison {
  Equal() {
    super("Equal");
  }

  @Override
  boolean test(double a, double b) {
    return a == b;
  }
}

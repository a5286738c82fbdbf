package dev.kiln.compiler.ops;

/** {@code a && b} on BOOL tensors. */
final class LogicalAnd extends LogicalBinary {
  LogicalAnd() {
    super("LogicalAnd");
  }

  @Override
  boolean apply(boolean a, boolean b) {
    return a && b;
  }
}

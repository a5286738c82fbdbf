package dev.kiln.compiler.ops;

/** {@code a || b} on BOOL tensors. */
final class LogicalOr extends LogicalBinary {
  LogicalOr() {
    super("LogicalOr");
  }

  @Override
  boolean apply(boolean a, boolean b) {
    return a || b;
  }
}

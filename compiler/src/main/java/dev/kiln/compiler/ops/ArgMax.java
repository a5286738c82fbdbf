package dev.kiln.compiler.ops;

/** The index of the largest element along {@code axis} (see {@link IndexOfExtreme}). */
final class ArgMax extends IndexOfExtreme {
  ArgMax() {
    super("ArgMax", "argmax");
  }

  @Override
  boolean beats(double v, double best) {
    return v > best;
  }
}

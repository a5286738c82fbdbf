package dev.kiln.compiler.ops;

/** The index of the smallest element along {@code axis} (see {@link IndexOfExtreme}). */
final class ArgMin extends IndexOfExtreme {
  ArgMin() {
    super("ArgMin", "argmin");
  }

  @Override
  boolean beats(double v, double best) {
    return v < best;
  }
}

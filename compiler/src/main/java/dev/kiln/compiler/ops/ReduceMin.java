package dev.kiln.compiler.ops;

/** The minimum over {@code axes} (see {@link ExtremeReduction}). */
final class ReduceMin extends ExtremeReduction {
  ReduceMin() {
    super("ReduceMin", Double.POSITIVE_INFINITY, Math::min);
  }
}

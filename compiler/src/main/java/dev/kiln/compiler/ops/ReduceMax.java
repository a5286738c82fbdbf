package dev.kiln.compiler.ops;

/** The maximum over {@code axes} (see {@link ExtremeReduction}). */
final class ReduceMax extends ExtremeReduction {
  ReduceMax() {
    super("ReduceMax", Double.NEGATIVE_INFINITY, Math::max);
  }
}

package dev.kiln.compiler.ir;

/**
 * One summary of a model (TensorFlow's SUMMARIES graph collection): a tensor recorded under a
 * tag for TensorBoard-style viewers. Summaries change nothing they observe; the compiler merges
 * all of a model's summaries into one fetch, {@code summaries}.
 *
 * @param tag the name shown, prefixed with the name scope it was declared in ({@code train/loss})
 */
public record Summary(String tag, Kind kind, Node node) {
  /** Scalar curve (a one-element tensor), histogram of all elements, or images. */
  public enum Kind { SCALAR, HISTOGRAM, IMAGE }
}

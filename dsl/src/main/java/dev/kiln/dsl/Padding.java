package dev.kiln.dsl;

/**
 * How a sliding window (conv2d, maxPool, avgPool) treats the border, as in TensorFlow. Also
 * available as {@code Ops.SAME} and {@code Ops.VALID}.
 */
public enum Padding {
  /**
   * Pad with zeros (ignored elements, for pools) so that the output has {@code ceil(in / stride)}
   * positions; an odd amount of padding puts the extra element at the bottom/right.
   */
  SAME,
  /** No padding: only windows entirely inside the input, {@code ceil((in - k + 1) / stride)}. */
  VALID
}

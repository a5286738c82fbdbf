package dev.kiln.runtime.data;

import dev.kiln.runtime.NDArray;

/** Token sequences and the tokens that follow each position: i32 [batch, steps] both. */
public record SequenceBatch(NDArray inputs, NDArray targets) {
  public int size() {
    return inputs.dim(0);
  }
}

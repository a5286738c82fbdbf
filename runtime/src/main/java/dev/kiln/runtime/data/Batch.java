package dev.kiln.runtime.data;

import dev.kiln.runtime.NDArray;

/** One mini-batch: images f32 [n, features] and one-hot labels f32 [n, classes]. */
public record Batch(NDArray images, NDArray labels) {
  /** The number of examples in this batch. */
  public int size() {
    return images.dim(0);
  }
}

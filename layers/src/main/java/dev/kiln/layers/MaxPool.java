package dev.kiln.layers;

import static dev.kiln.dsl.Ops.*;

import dev.kiln.dsl.Model;
import dev.kiln.dsl.Padding;
import dev.kiln.dsl.Tensor;

/** The maximum of each {@code window x window} patch of NHWC input, per channel; no variables. */
@Model
public class MaxPool {
  final int window;
  final int stride;
  final Padding padding;

  public MaxPool(int window, int stride, Padding padding) {
    this.window = window;
    this.stride = stride;
    this.padding = padding;
  }

  public Tensor apply(Tensor x) {
    return maxPool(x, window, stride, padding);
  }
}

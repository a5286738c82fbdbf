package dev.kiln.layers;

import static dev.kiln.dsl.Ops.*;

import dev.kiln.dsl.Model;
import dev.kiln.dsl.Tensor;

/** Zeroes each element with probability {@code rate} while training (scaling the rest); fetches pass x through. */
@Model
public class Dropout {
  final double rate;

  public Dropout(double rate) {
    this.rate = rate;
  }

  public Tensor apply(Tensor x) {
    return dropout(x, rate);
  }
}

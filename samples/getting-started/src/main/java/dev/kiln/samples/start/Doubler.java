package dev.kiln.samples.start;

import static dev.kiln.dsl.Ops.*;

import dev.kiln.dsl.Fetch;
import dev.kiln.dsl.Model;
import dev.kiln.dsl.State;
import dev.kiln.dsl.Tensor;

/**
 * The seed notebook's variable example: {@code a} starts at 3 and every call of {@code doubled()}
 * doubles it in place and returns the new value. Each instance owns its {@code a}.
 */
@Model
public class Doubler {
  @State Tensor a = variable(constant(3));

  @Fetch Tensor doubled() { return assign(a, a.times(2)); }

  /** The current value, unchanged. */
  @Fetch Tensor current() { return a.times(1); }
}

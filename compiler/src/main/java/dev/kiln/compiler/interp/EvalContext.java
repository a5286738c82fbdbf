package dev.kiln.compiler.interp;

import java.util.random.RandomGenerator;

/** What source ops read while the interpreter evaluates them. */
public interface EvalContext {
  /** The value fed for the placeholder named {@code name}. */
  Value feed(String name);

  /** The current value of the variable named {@code name}. */
  Value variable(String name);

  /**
   * Replaces the value of the variable named {@code name} (what {@code Assign} and its kin do);
   * later {@link #variable} calls, in this run and the next, see {@code value}.
   */
  default void assignVariable(String name, Value value) {
    throw new UnsupportedOperationException("this context cannot assign variable " + name);
  }

  /** The seeded generator random ops draw from. */
  RandomGenerator rng();

  /**
   * Whether this evaluation is a training step (dropout draws its mask) rather than inference
   * (dropout is the identity).
   */
  default boolean training() {
    return false;
  }
}

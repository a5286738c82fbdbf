package dev.kiln.compiler.interp;

import java.util.random.RandomGenerator;

/** What source ops read while the interpreter evaluates them. */
public interface EvalContext {
  /** The value fed for the placeholder named {@code name}. */
  Value feed(String name);

  /** The current value of the variable named {@code name}. */
  Value variable(String name);

  /** The seeded generator random ops draw from. */
  RandomGenerator rng();
}

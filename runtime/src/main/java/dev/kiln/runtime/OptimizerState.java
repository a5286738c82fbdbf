package dev.kiln.runtime;

/** The mutable state of an optimizer for one model instance. */
public interface OptimizerState {
  /** Updates {@code param} (f32) in place from its gradient; {@code paramIndex} as in {@link Optimizer#init}. */
  void update(int paramIndex, NDArray param, NDArray grad);

  /** Called once after all parameters of one step were updated (Adam counts steps here). */
  default void endStep() {}
}

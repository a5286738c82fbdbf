package dev.kiln.runtime;

import java.util.List;

/** The mutable state of an optimizer for one model instance. */
public interface OptimizerState {
  /** Updates {@code param} (f32) in place from its gradient; {@code paramIndex} as in {@link Optimizer#init}. */
  void update(int paramIndex, NDArray param, NDArray grad);

  /** Called once after all parameters of one step were updated (Adam counts steps here). */
  default void endStep() {}

  /**
   * One whole step: every parameter (in {@link Optimizer#init}'s order) from its gradient, then
   * {@link #endStep()}. The built-in optimizers clip by global norm here when configured to.
   */
  default void step(List<NDArray> params, List<NDArray> grads) {
    for (int i = 0; i < params.size(); i++) {
      update(i, params.get(i), grads.get(i));
    }
    endStep();
  }
}

package dev.kiln.runtime;

import java.util.List;

/** A parameter update rule; {@link #init} creates the per-model state (slots such as momenta). */
public interface Optimizer {
  /** State for the given parameters, in the order the trainer will pass them by index. */
  OptimizerState init(List<NDArray> params);

  /** A short description, e.g. {@code adam(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08)}. */
  String describe();
}

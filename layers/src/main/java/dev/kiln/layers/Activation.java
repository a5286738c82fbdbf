package dev.kiln.layers;

/** The nonlinearity a layer applies to its output; a compile-time choice, so only one is built. */
public enum Activation {
  NONE,
  RELU,
  SIGMOID,
  TANH,
  SOFTMAX
}

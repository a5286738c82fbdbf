package dev.kiln.dsl;

/** How a variable's initial value is drawn; built with the factories in {@link Ops}. */
public final class Initializer {
  Initializer() {
    throw new NotCompiled();
  }
}

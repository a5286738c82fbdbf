package dev.kiln.dsl;

/** Thrown when model code written in the DSL is executed as plain Java instead of being compiled. */
public final class NotCompiled extends UnsupportedOperationException {
  NotCompiled() {
    super("Kiln model code describes a graph and is compiled at build time; run the generated"
        + " <Model>Compiled class instead of instantiating the @Model class");
  }
}

package dev.kiln.dsl;

import java.util.Objects;

/**
 * A symbolic dimension: a size unknown at build time (a batch, a sequence length), fixed when a
 * tensor is fed. Two uses of the same name in one model denote the same size.
 */
public final class Dim {
  private final String name;

  private Dim(String name) {
    this.name = Objects.requireNonNull(name);
  }

  public static Dim named(String name) {
    return new Dim(name);
  }

  public String name() {
    return name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Dim d && d.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}

package dev.kiln.compiler.ir;

/**
 * One dimension of a shape: a size known at build time, or a named symbol bound when a tensor is
 * fed. Symbols with equal names are equal sizes.
 */
public record Dim(long size, String symbol) {
  public Dim {
    if (symbol == null && size < 0) {
      throw new IllegalArgumentException("negative dimension " + size);
    }
  }

  public static Dim of(long size) {
    return new Dim(size, null);
  }

  public static Dim symbol(String name) {
    return new Dim(-1, name);
  }

  public boolean isStatic() {
    return symbol == null;
  }

  @Override
  public String toString() {
    return isStatic() ? Long.toString(size) : symbol;
  }
}

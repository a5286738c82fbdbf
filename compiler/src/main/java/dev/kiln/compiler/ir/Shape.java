package dev.kiln.compiler.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A tensor's shape: an ordered list of dimensions, some possibly symbolic. */
public record Shape(List<Dim> dims) {
  public static final Shape SCALAR = new Shape(List.of());

  public Shape {
    dims = List.copyOf(dims);
  }

  public static Shape of(long... sizes) {
    return new Shape(Arrays.stream(sizes).mapToObj(Dim::of).toList());
  }

  public static Shape of(Dim... dims) {
    return new Shape(List.of(dims));
  }

  public int rank() {
    return dims.size();
  }

  public Dim dim(int axis) {
    return dims.get(axis);
  }

  public boolean isStatic() {
    return dims.stream().allMatch(Dim::isStatic);
  }

  /** The number of elements; only for static shapes. */
  public long numElements() {
    long n = 1;
    for (Dim d : dims) {
      if (!d.isStatic()) {
        throw new IllegalStateException("shape " + this + " is not static");
      }
      n *= d.size();
    }
    return n;
  }

  /** Normalizes a possibly negative axis against this rank, or returns -1 when out of range. */
  public int normalizeAxis(int axis) {
    int a = axis < 0 ? axis + rank() : axis;
    return a >= 0 && a < rank() ? a : -1;
  }

  public Shape withDim(int axis, Dim d) {
    List<Dim> copy = new ArrayList<>(dims);
    copy.set(axis, d);
    return new Shape(copy);
  }

  @Override
  public String toString() {
    return dims.toString();
  }
}

package dev.kiln.runtime;

import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates the feeds of one entry-point call and binds its symbolic dimensions: the first input
 * that mentions a symbol (e.g. {@code batch}) fixes its size, and every later input must agree.
 * Create one per call.
 */
public final class ShapeCheck {
  private record Binding(int size, String boundBy) {}

  private final String entryPoint;
  private final Map<String, Binding> symbols = new LinkedHashMap<>();

  public ShapeCheck(String entryPoint) {
    this.entryPoint = entryPoint;
  }

  /**
   * Checks one input.
   *
   * @param dims one per axis: an {@link Integer} for a static size, a {@link String} for a symbolic
   *     dimension name (a {@link Long} is accepted as a static size too)
   * @throws IllegalArgumentException naming the entry point, the input, the expected and the actual
   *     dtype and shape
   */
  public void check(String input, NDArray value, DType dtype, Object... dims) {
    for (Object d : dims) {
      if (!(d instanceof Integer || d instanceof Long || d instanceof Short || d instanceof String)) {
        throw new IllegalArgumentException(
            entryPoint + ": dimension " + d + " of input '" + input
                + "' must be an Integer or a symbol name");
      }
    }
    if (value == null) {
      throw new IllegalArgumentException(
          entryPoint + ": input '" + input + "' is null, expected " + expected(dtype, dims));
    }
    boolean ok = value.dtype() == dtype && value.rank() == dims.length;
    Map<String, Integer> newlyBound = new LinkedHashMap<>();
    List<String> mentioned = new ArrayList<>();
    for (int i = 0; ok && i < dims.length; i++) {
      int actual = value.dim(i);
      if (dims[i] instanceof Number size) {
        ok = actual == size.longValue();
      } else {
        String name = (String) dims[i];
        Binding b = symbols.get(name);
        if (b != null) {
          if (!mentioned.contains(name)) mentioned.add(name);
          ok = actual == b.size();
        } else if (newlyBound.containsKey(name)) {
          ok = actual == newlyBound.get(name);
        } else {
          newlyBound.put(name, actual);
        }
      }
    }
    if (!ok) {
      StringBuilder msg = new StringBuilder(entryPoint)
          .append(": input '").append(input).append("' expects ").append(expected(dtype, dims));
      List<String> bound = new ArrayList<>();
      for (Object d : dims) {
        if (d instanceof String name && symbols.containsKey(name)) {
          Binding b = symbols.get(name);
          String s = name + " = " + b.size() + " (bound by '" + b.boundBy() + "')";
          if (!bound.contains(s)) bound.add(s);
        }
      }
      if (!bound.isEmpty()) msg.append(" with ").append(String.join(" and ", bound));
      msg.append(", got ").append(value.shapeString());
      throw new IllegalArgumentException(msg.toString());
    }
    newlyBound.forEach((name, size) -> symbols.put(name, new Binding(size, input)));
  }

  /** The size bound to a symbolic dimension by an earlier {@link #check}. */
  public int symbol(String name) {
    Binding b = symbols.get(name);
    if (b == null) {
      throw new IllegalStateException(
          entryPoint + ": symbolic dimension '" + name + "' is not bound by any input");
    }
    return b.size();
  }

  private static String expected(DType dtype, Object[] dims) {
    StringBuilder b = new StringBuilder(dtype.label()).append('[');
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) b.append(", ");
      b.append(dims[i]);
    }
    return b.append(']').toString();
  }
}

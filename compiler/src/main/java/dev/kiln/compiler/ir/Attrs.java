package dev.kiln.compiler.ir;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * An op's compile-time attributes (axes, flags, dtypes, constants). Immutable, with value
 * equality, so that two nodes with the same op, inputs and attributes are recognisably the same.
 * Values are Integer, Long, Double, Boolean, String, DType, Shape, int[] or double[].
 */
public final class Attrs {
  public static final Attrs NONE = new Attrs(new TreeMap<>());

  private final TreeMap<String, Object> values;

  private Attrs(TreeMap<String, Object> values) {
    this.values = values;
  }

  public static Attrs of(Object... keysAndValues) {
    TreeMap<String, Object> map = new TreeMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      Object v = keysAndValues[i + 1];
      if (v instanceof int[] a) {
        v = a.clone();
      } else if (v instanceof double[] a) {
        v = a.clone();
      }
      map.put((String) keysAndValues[i], v);
    }
    return new Attrs(map);
  }

  public Attrs with(String key, Object value) {
    TreeMap<String, Object> map = new TreeMap<>(values);
    map.put(key, value);
    return new Attrs(map);
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  public Map<String, Object> asMap() {
    return Collections.unmodifiableMap(values);
  }

  @SuppressWarnings("unchecked")
  public <T> T get(String key) {
    Object v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing attribute " + key);
    }
    return (T) v;
  }

  public int getInt(String key) {
    return ((Number) get(key)).intValue();
  }

  public double getDouble(String key) {
    return ((Number) get(key)).doubleValue();
  }

  public boolean getBool(String key) {
    return (Boolean) get(key);
  }

  public int[] getInts(String key) {
    return ((int[]) get(key)).clone();
  }

  public double[] getDoubles(String key) {
    return ((double[]) get(key)).clone();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Attrs other) || !other.values.keySet().equals(values.keySet())) {
      return false;
    }
    for (var e : values.entrySet()) {
      if (!Arrays.deepEquals(new Object[] {e.getValue()}, new Object[] {other.values.get(e.getKey())})) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (var e : values.entrySet()) {
      h = 31 * h + e.getKey().hashCode();
      h = 31 * h + Arrays.deepHashCode(new Object[] {e.getValue()});
    }
    return h;
  }

  @Override
  public String toString() {
    StringJoiner j = new StringJoiner(", ", "{", "}");
    values.forEach((k, v) -> j.add(k + "=" + format(v)));
    return j.toString();
  }

  static String format(Object v) {
    if (v instanceof int[] a) {
      return Arrays.toString(a);
    }
    if (v instanceof double[] a) {
      return a.length > 8 ? "double[" + a.length + "]" : Arrays.toString(a);
    }
    return String.valueOf(v);
  }
}

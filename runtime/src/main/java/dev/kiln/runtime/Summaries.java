package dev.kiln.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values of a model's summaries, as one call of its generated {@code summaries(...)} fetch
 * computes them: each tag (scoped, e.g. {@code train/loss}) with its kind and its tensor, in the
 * order the model declares them. kiln-summaries writes them into event files.
 */
public final class Summaries {
  /** How a summary is shown: a scalar curve, a histogram of the values, or images. */
  public enum Kind { SCALAR, HISTOGRAM, IMAGE }

  private final Map<String, NDArray> values = new LinkedHashMap<>();
  private final Map<String, Kind> kinds = new LinkedHashMap<>();

  /** Adds one summary; generated code calls this once per tag. */
  public Summaries put(String tag, Kind kind, NDArray value) {
    if (values.containsKey(tag)) {
      throw new IllegalArgumentException("the summary tag " + tag + " is used twice");
    }
    values.put(tag, value);
    kinds.put(tag, kind);
    return this;
  }

  /** Every tag's value, in declaration order. */
  public Map<String, NDArray> values() {
    return Collections.unmodifiableMap(values);
  }

  /** Every tag's kind, in declaration order. */
  public Map<String, Kind> kinds() {
    return Collections.unmodifiableMap(kinds);
  }

  /** The value of {@code tag}, or null. */
  public NDArray get(String tag) {
    return values.get(tag);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Summaries{");
    values.forEach((t, v) -> b.append(b.length() > 10 ? ", " : "").append(t).append(" (")
        .append(kinds.get(t).name().toLowerCase(java.util.Locale.ROOT)).append(")=").append(v.shapeString()));
    return b.append('}').toString();
  }
}

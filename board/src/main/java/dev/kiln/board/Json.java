package dev.kiln.board;

import java.util.Collection;
import java.util.StringJoiner;

/** The few JSON forms the board's API writes; the page parses them with {@code JSON.parse}. */
final class Json {
  private Json() {}

  static String str(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        // '<' escaped so that a tag name can never close a script element it is embedded in.
        case '<' -> b.append("\\u003c");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** A number; NaN and infinities, which JSON lacks, as null (charts leave a gap there). */
  static String num(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return "null";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }

  static String nums(double[] values) {
    StringJoiner j = new StringJoiner(",", "[", "]");
    for (double v : values) {
      j.add(num(v));
    }
    return j.toString();
  }

  static String strs(Collection<String> values) {
    StringJoiner j = new StringJoiner(",", "[", "]");
    for (String v : values) {
      j.add(str(v));
    }
    return j.toString();
  }
}

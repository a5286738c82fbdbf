package dev.kiln.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader and writer for the headers Kiln reads and writes (safetensors). Objects
 * become {@code LinkedHashMap<String, Object>}, arrays {@code List<Object>}, numbers {@code Long}
 * when integral and {@code Double} otherwise, plus {@code String}, {@code Boolean} and null.
 * Public for kiln-summaries, which reads the graph JSON resources of compiled models.
 */
public final class Json {
  /** Malformed JSON; the message says what was expected and at which character. */
  public static final class ParseException extends Exception {
    ParseException(String message) {
      super(message);
    }
  }

  private final String s;
  private int pos;

  private Json(String s) {
    this.s = s;
  }

  public static Object parse(String text) throws ParseException {
    Json p = new Json(text);
    p.skipWs();
    Object v = p.value(0);
    p.skipWs();
    if (p.pos != text.length()) throw p.error("the end of the JSON text");
    return v;
  }

  private ParseException error(String expected) {
    String found = pos >= s.length() ? "the end of the text"
        : "'" + (Character.isISOControl(s.charAt(pos)) ? String.format("\\u%04x", (int) s.charAt(pos))
            : String.valueOf(s.charAt(pos))) + "'";
    return new ParseException("expected " + expected + " at character " + pos + ", found " + found);
  }

  private void skipWs() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++;
      else break;
    }
  }

  private Object value(int depth) throws ParseException {
    if (depth > 64) throw new ParseException("JSON nested deeper than 64 levels at character " + pos);
    if (pos >= s.length()) throw error("a value");
    char c = s.charAt(pos);
    switch (c) {
      case '{' -> {
        pos++;
        Map<String, Object> m = new LinkedHashMap<>();
        skipWs();
        if (peek('}')) {
          pos++;
          return m;
        }
        while (true) {
          skipWs();
          if (!peek('"')) throw error("a string key");
          String key = string();
          skipWs();
          expect(':');
          skipWs();
          if (m.containsKey(key)) throw new ParseException("duplicate key \"" + key + "\" before character " + pos);
          m.put(key, value(depth + 1));
          skipWs();
          if (peek(',')) {
            pos++;
          } else if (peek('}')) {
            pos++;
            return m;
          } else {
            throw error("',' or '}'");
          }
        }
      }
      case '[' -> {
        pos++;
        List<Object> l = new ArrayList<>();
        skipWs();
        if (peek(']')) {
          pos++;
          return l;
        }
        while (true) {
          skipWs();
          l.add(value(depth + 1));
          skipWs();
          if (peek(',')) {
            pos++;
          } else if (peek(']')) {
            pos++;
            return l;
          } else {
            throw error("',' or ']'");
          }
        }
      }
      case '"' -> {
        return string();
      }
      case 't' -> {
        literal("true");
        return Boolean.TRUE;
      }
      case 'f' -> {
        literal("false");
        return Boolean.FALSE;
      }
      case 'n' -> {
        literal("null");
        return null;
      }
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        throw error("a value");
      }
    }
  }

  private boolean peek(char c) {
    return pos < s.length() && s.charAt(pos) == c;
  }

  private void expect(char c) throws ParseException {
    if (!peek(c)) throw error("'" + c + "'");
    pos++;
  }

  private void literal(String word) throws ParseException {
    if (!s.startsWith(word, pos)) throw error("a value");
    pos += word.length();
  }

  private Object number() throws ParseException {
    int start = pos;
    if (peek('-')) pos++;
    int digits = pos;
    while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
    if (pos == digits) throw error("a digit");
    boolean integral = true;
    if (peek('.')) {
      integral = false;
      pos++;
      int f = pos;
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
      if (pos == f) throw error("a digit");
    }
    if (peek('e') || peek('E')) {
      integral = false;
      pos++;
      if (peek('+') || peek('-')) pos++;
      int e = pos;
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
      if (pos == e) throw error("a digit");
    }
    String text = s.substring(start, pos);
    if (integral) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException tooBig) {
        return Double.parseDouble(text);
      }
    }
    return Double.parseDouble(text);
  }

  private String string() throws ParseException {
    expect('"');
    StringBuilder b = new StringBuilder();
    while (true) {
      if (pos >= s.length()) throw error("'\"' closing the string");
      char c = s.charAt(pos++);
      if (c == '"') return b.toString();
      if (c == '\\') {
        if (pos >= s.length()) throw error("an escape character");
        char e = s.charAt(pos++);
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (pos + 4 > s.length()) throw error("four hex digits");
            try {
              b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            } catch (NumberFormatException x) {
              throw error("four hex digits");
            }
            pos += 4;
          }
          default -> {
            pos--;
            throw error("an escape character");
          }
        }
      } else if (c < 0x20) {
        pos--;
        throw error("a string character (control characters must be escaped)");
      } else {
        b.append(c);
      }
    }
  }

  /** Appends {@code text} as a JSON string literal. */
  static void writeString(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
          else out.append(c);
        }
      }
    }
    out.append('"');
  }
}

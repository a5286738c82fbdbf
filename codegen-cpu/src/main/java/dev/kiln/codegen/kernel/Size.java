package dev.kiln.codegen.kernel;

import dev.kiln.compiler.ir.Dim;
import java.util.ArrayList;
import java.util.List;

/**
 * A symbolic element count or stride: a constant times a product of symbolic dimensions (named
 * by their symbols, bound at run time). Static factors are folded, so {@code [batch, 28, 28]} is
 * {@code 784 * batch}; a zero constant is the stride of a broadcast axis.
 */
public record Size(long constant, List<String> symbols) {
  public static final Size ZERO = new Size(0, List.of());
  public static final Size ONE = new Size(1, List.of());

  public Size {
    symbols = constant == 0 ? List.of() : List.copyOf(symbols);
  }

  /** The product of {@code dims}. */
  public static Size of(List<Dim> dims) {
    long c = 1;
    List<String> s = new ArrayList<>();
    for (Dim d : dims) {
      if (d.isStatic()) {
        c *= d.size();
      } else {
        s.add(d.symbol());
      }
    }
    return new Size(c, s);
  }

  public static Size of(Dim d) {
    return of(List.of(d));
  }

  public boolean isConstant() {
    return symbols.isEmpty();
  }

  public boolean isZero() {
    return constant == 0;
  }

  public boolean isOne() {
    return constant == 1 && symbols.isEmpty();
  }

  @Override
  public String toString() {
    if (symbols.isEmpty()) {
      return Long.toString(constant);
    }
    String s = String.join("*", symbols);
    return constant == 1 ? s : constant + "*" + s;
  }
}

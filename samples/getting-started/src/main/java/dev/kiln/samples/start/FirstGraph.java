package dev.kiln.samples.start;

import static dev.kiln.dsl.Ops.*;

import dev.kiln.dsl.Dim;
import dev.kiln.dsl.Fetch;
import dev.kiln.dsl.Input;
import dev.kiln.dsl.Model;
import dev.kiln.dsl.Tensor;

/** The seed notebook's first graph, {@code f(a, b) = (a * b) + (a + b)}, on scalars and on vectors. */
@Model
public class FirstGraph {
  /** The length of the vectors: fixed by whatever is fed. */
  static final Dim N = Dim.named("n");

  @Input Tensor a = placeholder(F32);
  @Input Tensor b = placeholder(F32);
  @Input Tensor u = placeholder(F32, N);
  @Input Tensor v = placeholder(F32, N);

  Tensor f(Tensor x, Tensor y) {
    return x.times(y).plus(x.plus(y));
  }

  /** f on the scalars a and b. */
  @Fetch Tensor onScalars() { return f(a, b); }

  /** f on the vectors u and v, element by element. */
  @Fetch Tensor onVectors() { return f(u, v); }
}

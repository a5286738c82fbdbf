package dev.kiln.layers;

import static dev.kiln.dsl.Ops.*;

import dev.kiln.dsl.Model;
import dev.kiln.dsl.Tensor;

/**
 * An LSTM over a sequence of a compile-time length: {@code run(xs)} for xs [batch, steps, in]
 * unrolls {@link LSTMCell} {@code steps} times at build time, from a zero state, and returns the
 * last output h [batch, units]. The cell's variables are {@code <field>/cell/kernel} and
 * {@code <field>/cell/bias}, shared by every step.
 */
@Model
public class LSTM {
  final int in;
  final int units;
  final int steps;
  final LSTMCell cell;

  public LSTM(int in, int units, int steps) {
    this.in = in;
    this.units = units;
    this.steps = steps;
    cell = new LSTMCell(in, units);
  }

  public Tensor run(Tensor xs) {
    Tensor[] inputs = split(xs, steps, 1);
    Tensor first = squeeze(inputs[0], 1);
    // A zero state [batch, units] for a batch known only at run time: x0 · 0.
    Tensor h = matmul(first, zeros(in, units));
    Tensor c = h;
    for (int t = 0; t < steps; t++) {
      Tensor[] state = cell.step(squeeze(inputs[t], 1), h, c);
      h = state[0];
      c = state[1];
    }
    return h;
  }
}

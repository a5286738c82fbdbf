package dev.kiln.layers;

import static dev.kiln.dsl.Ops.*;

import dev.kiln.dsl.Model;
import dev.kiln.dsl.Param;
import dev.kiln.dsl.Tensor;

/**
 * One step of a long short-term memory cell: from input x [batch, in] and state h, c [batch, units]
 * to the next {@code {h, c}}. One matmul computes the four gates from [x, h]: kernel
 * {@code <field>/kernel} [in + units, 4 units] (Glorot uniform), {@code <field>/bias} [4 units]
 * (zeros; the forget gate adds 1, so the cell remembers by default).
 */
@Model
public class LSTMCell {
  final int in;
  final int units;
  @Param Tensor kernel;
  @Param Tensor bias;

  public LSTMCell(int in, int units) {
    this.in = in;
    this.units = units;
    kernel = variable(glorotUniform(), in + units, 4 * units);
    bias = variable(zeros(), 4 * units);
  }

  /** The next state {@code {h, c}}. */
  public Tensor[] step(Tensor x, Tensor h, Tensor c) {
    Tensor[] gates = split(matmul(concat(1, x, h), kernel).plus(bias), 4, 1);
    Tensor input = sigmoid(gates[0]);
    Tensor forget = sigmoid(gates[1].plus(1));
    Tensor output = sigmoid(gates[2]);
    Tensor candidate = tanh(gates[3]);
    Tensor next = forget.times(c).plus(input.times(candidate));
    return new Tensor[] {output.times(tanh(next)), next};
  }
}

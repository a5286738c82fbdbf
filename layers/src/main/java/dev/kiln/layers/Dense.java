package dev.kiln.layers;

import static dev.kiln.dsl.Ops.*;

import dev.kiln.dsl.Model;
import dev.kiln.dsl.Param;
import dev.kiln.dsl.Tensor;

/**
 * A fully connected layer: {@code activation(x · weights + bias)} for x [batch, in]. Hold it in a
 * field of a model, {@code Dense hidden = new Dense(784, 256, Activation.RELU);}, and call
 * {@code hidden.apply(x)}; its variables are {@code hidden/weights} [in, out] (Glorot uniform) and
 * {@code hidden/bias} [out] (zeros).
 */
@Model
public class Dense {
  final int in;
  final int out;
  final Activation activation;
  @Param Tensor weights;
  @Param Tensor bias;

  public Dense(int in, int out, Activation activation) {
    this.in = in;
    this.out = out;
    this.activation = activation;
    weights = variable(glorotUniform(), in, out);
    bias = variable(zeros(), out);
  }

  /** A layer without a nonlinearity: {@code x · weights + bias}. */
  public Dense(int in, int out) {
    this(in, out, Activation.NONE);
  }

  public Tensor apply(Tensor x) {
    return activate(matmul(x, weights).plus(bias));
  }

  /** The activation, chosen at build time: the graph holds only the one this layer uses. */
  Tensor activate(Tensor y) {
    if (activation == Activation.RELU) {
      return relu(y);
    }
    if (activation == Activation.SIGMOID) {
      return sigmoid(y);
    }
    if (activation == Activation.TANH) {
      return tanh(y);
    }
    return activation == Activation.SOFTMAX ? softmax(y) : y;
  }
}

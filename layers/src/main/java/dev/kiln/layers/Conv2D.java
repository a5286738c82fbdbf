package dev.kiln.layers;

import static dev.kiln.dsl.Ops.*;

import dev.kiln.dsl.Model;
import dev.kiln.dsl.Padding;
import dev.kiln.dsl.Param;
import dev.kiln.dsl.Tensor;

/**
 * A 2-D convolution over NHWC input [batch, height, width, inChannels]: {@code kernel x kernel}
 * filters {@code <field>/filter} [kernel, kernel, inChannels, outChannels] (Glorot uniform), a bias
 * {@code <field>/bias} [outChannels] (zeros), then the activation.
 */
@Model
public class Conv2D {
  final int stride;
  final Padding padding;
  final Activation activation;
  @Param Tensor filter;
  @Param Tensor bias;

  public Conv2D(int inChannels, int outChannels, int kernel, int stride, Padding padding, Activation activation) {
    this.stride = stride;
    this.padding = padding;
    this.activation = activation;
    filter = variable(glorotUniform(), kernel, kernel, inChannels, outChannels);
    bias = variable(zeros(), outChannels);
  }

  public Tensor apply(Tensor x) {
    Tensor y = conv2d(x, filter, stride, padding).plus(bias);
    if (activation == Activation.RELU) {
      return relu(y);
    }
    if (activation == Activation.SIGMOID) {
      return sigmoid(y);
    }
    return activation == Activation.TANH ? tanh(y) : y;
  }
}

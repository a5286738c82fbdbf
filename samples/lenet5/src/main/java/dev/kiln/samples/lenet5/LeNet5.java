package dev.kiln.samples.lenet5;

import static dev.kiln.dsl.Ops.*;

import dev.kiln.dsl.Fetch;
import dev.kiln.dsl.Input;
import dev.kiln.dsl.Loss;
import dev.kiln.dsl.Model;
import dev.kiln.dsl.Param;
import dev.kiln.dsl.Tensor;

/**
 * LeNet-5 as in Caffe's MNIST example: two 5x5 convolutions (20 and 50 filters, no padding), each
 * followed by relu and 2x2 max pooling, then a dense layer of 500 relu units and one of 10 logits,
 * trained on the fused softmax cross-entropy.
 */
@Model
public class LeNet5 {
  static final int SIDE = 28;
  static final int PIXELS = SIDE * SIDE;
  static final int CLASSES = 10;
  static final int CONV1 = 20;
  static final int CONV2 = 50;
  static final int HIDDEN = 500;
  /** After two VALID 5x5 convolutions and two 2x2 pools: 28 -> 24 -> 12 -> 8 -> 4. */
  static final int FLAT = 4 * 4 * CONV2;

  @Input Tensor images = placeholder(F32, BATCH, PIXELS);
  @Input Tensor labels = placeholder(F32, BATCH, CLASSES);

  @Param Tensor filter1 = variable(glorotUniform(), 5, 5, 1, CONV1);
  @Param Tensor bias1 = variable(zeros(), CONV1);
  @Param Tensor filter2 = variable(glorotUniform(), 5, 5, CONV1, CONV2);
  @Param Tensor bias2 = variable(zeros(), CONV2);
  @Param Tensor weights3 = variable(glorotUniform(), FLAT, HIDDEN);
  @Param Tensor bias3 = variable(zeros(), HIDDEN);
  @Param Tensor weights4 = variable(glorotUniform(), HIDDEN, CLASSES);
  @Param Tensor bias4 = variable(zeros(), CLASSES);

  /** conv -> relu -> 2x2 max pool. */
  Tensor convBlock(Tensor x, Tensor filter, Tensor bias) {
    return maxPool(conv2d(x, filter, 1, VALID).plus(bias).relu(), 2, 2, VALID);
  }

  Tensor logits() {
    Tensor x = images.reshape(-1, SIDE, SIDE, 1);
    Tensor h1 = convBlock(x, filter1, bias1);
    Tensor h2 = convBlock(h1, filter2, bias2);
    Tensor h3 = matmul(h2.reshape(-1, FLAT), weights3).plus(bias3).relu();
    return matmul(h3, weights4).plus(bias4);
  }

  @Loss
  Tensor loss() {
    return reduceMean(softmaxCrossEntropyWithLogits(labels, logits()));
  }

  @Fetch
  Tensor accuracy() {
    return reduceMean(cast(equal(argmax(logits(), 1), argmax(labels, 1)), F32));
  }
}

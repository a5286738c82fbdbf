package dev.kiln.samples.mnist;

import static dev.kiln.dsl.Ops.*;

import dev.kiln.dsl.Fetch;
import dev.kiln.dsl.Input;
import dev.kiln.dsl.Loss;
import dev.kiln.dsl.Model;
import dev.kiln.dsl.Param;
import dev.kiln.dsl.Tensor;

/** Softmax regression on MNIST, as in "A Tour of TensorFlow", Appendix I. */
@Model
public class MnistSoftmax {
  static final int PIXELS = 28 * 28;
  static final int CLASSES = 10;

  @Input Tensor examples = placeholder(F32, BATCH, PIXELS);
  @Input Tensor labels = placeholder(F32, BATCH, CLASSES);
  @Param Tensor weights = variable(truncatedNormal(0f, 0.1f), PIXELS, CLASSES);
  @Param Tensor bias = variable(constant(0.1f), CLASSES);

  Tensor logits() {
    return matmul(examples, weights).plus(bias);
  }

  @Fetch
  Tensor estimates() {
    return softmax(logits());
  }

  @Loss
  Tensor loss() {
    return reduceMean(reduceSum(labels.times(log(estimates())), 1).neg());
  }

  @Fetch
  Tensor accuracy() {
    return reduceMean(cast(equal(argmax(estimates(), 1), argmax(labels, 1)), F32));
  }
}

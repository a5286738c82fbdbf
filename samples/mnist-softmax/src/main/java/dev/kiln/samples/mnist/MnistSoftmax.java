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
    // Summaries, recorded by TrainMnist every few steps: the batch's digits as images (the event
    // file keeps the first three) and the weights as a histogram. Each returns its input; none
    // changes what the model computes. Tags carry the name scope they are declared in, so these
    // read estimates/logits/digits and estimates/logits/weights (logits is first called there).
    imageSummary("digits", reshape(examples, -1, 28, 28, 1));
    return matmul(examples, histogramSummary("weights", weights)).plus(bias);
  }

  @Fetch
  Tensor estimates() {
    return softmax(logits());
  }

  @Loss
  Tensor loss() {
    return scalarSummary("cross_entropy", reduceMean(reduceSum(labels.times(log(estimates())), 1).neg()));
  }

  @Fetch
  Tensor accuracy() {
    return scalarSummary("batch", reduceMean(cast(equal(argmax(estimates(), 1), argmax(labels, 1)), F32)));
  }
}

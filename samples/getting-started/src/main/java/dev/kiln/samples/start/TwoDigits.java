package dev.kiln.samples.start;

import static dev.kiln.dsl.Ops.*;

import dev.kiln.dsl.Fetch;
import dev.kiln.dsl.Input;
import dev.kiln.dsl.Loss;
import dev.kiln.dsl.Model;
import dev.kiln.dsl.Param;
import dev.kiln.dsl.Tensor;

/** Logistic regression: is a 28x28 digit a 5 (1) or a 3 (0)? */
@Model
public class TwoDigits {
  static final int PIXELS = 28 * 28;

  @Input Tensor images = placeholder(F32, BATCH, PIXELS);
  @Input Tensor labels = placeholder(F32, BATCH, 1);
  @Param Tensor weights = variable(zeros(), PIXELS, 1);
  @Param Tensor bias = variable(zeros(), 1);

  Tensor logits() { return matmul(images, weights).plus(bias); }

  /** The probability that each image is the positive digit. */
  @Fetch Tensor probability() { return sigmoid(logits()); }

  /**
   * Mean binary cross-entropy, written stably as softplus(z) - y z with
   * softplus(z) = max(z, 0) + log(1 + exp(-|z|)).
   */
  @Loss Tensor loss() {
    Tensor z = logits();
    Tensor softplus = relu(z).plus(log(exp(abs(z).neg()).plus(1)));
    return reduceMean(softplus.minus(labels.times(z)));
  }

  @Fetch Tensor accuracy() {
    return reduceMean(cast(equal(greater(logits(), scalar(0)), greater(labels, scalar(0.5))), F32));
  }
}

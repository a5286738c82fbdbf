package dev.kiln.samples.layers;

import static dev.kiln.dsl.Ops.*;

import dev.kiln.dsl.Fetch;
import dev.kiln.dsl.Input;
import dev.kiln.dsl.Loss;
import dev.kiln.dsl.Model;
import dev.kiln.dsl.Tensor;
import dev.kiln.layers.Activation;
import dev.kiln.layers.Dense;

/**
 * Tells which quadrant pairs a 2-D point lies in (same signs or opposite: an XOR, which no single
 * linear layer can learn) with two hidden {@link Dense} layers from kiln-layers' jar. Their
 * variables are {@code hidden/weights}, {@code hidden/bias}, {@code deeper/...}, {@code out/...}.
 */
@Model
public class Quadrants {
  static final int HIDDEN = 16;

  @Input Tensor points = placeholder(F32, BATCH, 2);
  @Input Tensor labels = placeholder(F32, BATCH, 2);

  Dense hidden = new Dense(2, HIDDEN, Activation.TANH);
  Dense deeper = new Dense(HIDDEN, HIDDEN, Activation.RELU);
  Dense out = new Dense(HIDDEN, 2);

  Tensor logits() { return out.apply(deeper.apply(hidden.apply(points))); }

  @Loss Tensor loss() { return reduceMean(softmaxCrossEntropyWithLogits(labels, logits())); }

  @Fetch Tensor accuracy() {
    return reduceMean(cast(equal(argmax(logits(), 1), argmax(labels, 1)), F32));
  }
}

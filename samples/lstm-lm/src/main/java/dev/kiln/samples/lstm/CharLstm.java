package dev.kiln.samples.lstm;

import static dev.kiln.dsl.Ops.*;

import dev.kiln.dsl.Fetch;
import dev.kiln.dsl.Input;
import dev.kiln.dsl.Loss;
import dev.kiln.dsl.Model;
import dev.kiln.dsl.Param;
import dev.kiln.dsl.Tensor;

/**
 * A character-level LSTM language model: embed each character, run one LSTM layer over a window
 * of {@link #STEPS} characters (unrolled at build time), and predict the next character at every
 * position.
 */
@Model
public class CharLstm {
  /** The characters of Moby Dick; the training program checks the corpus has exactly these many. */
  static final int VOCAB = 83;
  static final int STEPS = 16;
  static final int EMBED = 32;
  static final int HIDDEN = 128;

  @Input Tensor tokens = placeholder(I32, BATCH, STEPS);
  @Input Tensor targets = placeholder(I32, BATCH, STEPS);

  @Param Tensor embedding = variable(randomUniform(-0.1, 0.1), VOCAB, EMBED);
  /** The four gates' weights side by side: input, forget, cell, output; rows: input then state. */
  @Param Tensor gateWeights = variable(glorotUniform(), EMBED + HIDDEN, 4 * HIDDEN);
  @Param Tensor gateBias = variable(zeros(), 4 * HIDDEN);
  @Param Tensor outWeights = variable(glorotUniform(), HIDDEN, VOCAB);
  @Param Tensor outBias = variable(zeros(), VOCAB);

  /** Next-character logits at every position: f32[batch, STEPS, VOCAB]. */
  Tensor logits() {
    Tensor[] inputs = split(gather(embedding, tokens), STEPS, 1);
    // Step 0 starts from a zero state, so only the input rows of the gate weights contribute.
    Tensor[] gates = split(
        matmul(squeeze(inputs[0], 1), slice(gateWeights, new int[] {0, 0}, new int[] {EMBED, -1}))
            .plus(gateBias), 4, 1);
    Tensor c = sigmoid(gates[0]).times(tanh(gates[2]));
    Tensor h = sigmoid(gates[3]).times(tanh(c));
    Tensor all = expandDims(readout(h), 1);
    for (int t = 1; t < STEPS; t++) {
      gates = split(matmul(concat(1, squeeze(inputs[t], 1), h), gateWeights).plus(gateBias), 4, 1);
      c = sigmoid(gates[1]).times(c).plus(sigmoid(gates[0]).times(tanh(gates[2])));
      h = sigmoid(gates[3]).times(tanh(c));
      all = concat(1, all, expandDims(readout(h), 1));
    }
    return all;
  }

  /** The next character's logits from one hidden state. */
  Tensor readout(Tensor h) {
    return matmul(h, outWeights).plus(outBias);
  }

  /** The distribution of the next character at every position. */
  @Fetch
  Tensor probabilities() {
    return softmax(logits());
  }

  /** Mean cross-entropy of the next character, in nats (perplexity = e^loss). */
  @Loss
  Tensor loss() {
    return reduceMean(reduceSum(oneHot(targets, VOCAB).times(logSoftmax(logits())), 2).neg());
  }
}

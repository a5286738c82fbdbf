package dev.kiln.bench.models;

import static dev.kiln.dsl.Ops.*;

import dev.kiln.dsl.Input;
import dev.kiln.dsl.Loss;
import dev.kiln.dsl.Model;
import dev.kiln.dsl.Param;
import dev.kiln.dsl.Tensor;

/**
 * Workload 4: the word-level LSTM language model of the TensorFlow PTB tutorial's small config
 * (vocabulary 10000, embedding 200, one LSTM layer of 200, 20 steps unrolled, batch 20). The
 * readout runs once over all 400 hidden states, as PyTorch's peer does with nn.LSTM + nn.Linear.
 */
@Model
public class WordLstm {
  static final int VOCAB = 10000;
  static final int STEPS = 20;
  static final int EMBED = 200;
  static final int HIDDEN = 200;
  static final int BATCH = 20;

  @Input Tensor tokens = placeholder(I32, BATCH, STEPS);
  @Input Tensor targets = placeholder(I32, BATCH, STEPS);

  @Param Tensor embedding = variable(randomUniform(-0.1, 0.1), VOCAB, EMBED);
  /** The four gates' weights side by side: input, forget, cell, output; rows: input then state. */
  @Param Tensor gateWeights = variable(glorotUniform(), EMBED + HIDDEN, 4 * HIDDEN);
  @Param Tensor gateBias = variable(zeros(), 4 * HIDDEN);
  @Param Tensor outWeights = variable(glorotUniform(), HIDDEN, VOCAB);
  @Param Tensor outBias = variable(zeros(), VOCAB);

  /** Mean cross-entropy of the next word over all batch × steps positions, in nats. */
  @Loss
  Tensor loss() {
    Tensor[] inputs = split(gather(embedding, tokens), STEPS, 1);
    Tensor[] hc = cell(squeeze(inputs[0], 1), zeros(BATCH, HIDDEN), zeros(BATCH, HIDDEN));
    Tensor states = expandDims(hc[0], 1);
    for (int t = 1; t < STEPS; t++) {
      hc = cell(squeeze(inputs[t], 1), hc[0], hc[1]);
      states = concat(1, states, expandDims(hc[0], 1));
    }
    Tensor logits = matmul(reshape(states, BATCH * STEPS, HIDDEN), outWeights).plus(outBias);
    Tensor labels = oneHot(reshape(targets, BATCH * STEPS), VOCAB);
    return reduceMean(softmaxCrossEntropyWithLogits(labels, logits));
  }

  /** One LSTM step: the next hidden state and cell. */
  Tensor[] cell(Tensor x, Tensor h, Tensor c) {
    Tensor[] gates = split(matmul(concat(1, x, h), gateWeights).plus(gateBias), 4, 1);
    Tensor next = sigmoid(gates[1]).times(c).plus(sigmoid(gates[0]).times(tanh(gates[2])));
    return new Tensor[] {sigmoid(gates[3]).times(tanh(next)), next};
  }
}

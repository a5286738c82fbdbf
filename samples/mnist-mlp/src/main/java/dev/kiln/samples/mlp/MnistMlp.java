package dev.kiln.samples.mlp;

import static dev.kiln.dsl.Ops.*;

import dev.kiln.dsl.Fetch;
import dev.kiln.dsl.Input;
import dev.kiln.dsl.Loss;
import dev.kiln.dsl.Model;
import dev.kiln.dsl.Param;
import dev.kiln.dsl.Tensor;

/** A multilayer perceptron for MNIST: 784-256-128-10 with ReLU, softmax cross-entropy. */
@Model
public class MnistMlp {
  static final int PIXELS = 28 * 28;
  static final int HIDDEN1 = 256;
  static final int HIDDEN2 = 128;
  static final int CLASSES = 10;

  @Input Tensor examples = placeholder(F32, BATCH, PIXELS);
  @Input Tensor labels = placeholder(F32, BATCH, CLASSES);

  @Param Tensor w1 = variable(glorotUniform(), PIXELS, HIDDEN1);
  @Param Tensor b1 = variable(zeros(), HIDDEN1);
  @Param Tensor w2 = variable(glorotUniform(), HIDDEN1, HIDDEN2);
  @Param Tensor b2 = variable(zeros(), HIDDEN2);
  @Param Tensor w3 = variable(glorotUniform(), HIDDEN2, CLASSES);
  @Param Tensor b3 = variable(zeros(), CLASSES);

  Tensor hidden1() { return relu(matmul(examples, w1).plus(b1)); }
  Tensor hidden2() { return relu(matmul(hidden1(), w2).plus(b2)); }
  Tensor logits() { return matmul(hidden2(), w3).plus(b3); }

  @Fetch Tensor estimates() { return softmax(logits()); }

  /** Mean cross-entropy, through the stable log-softmax. */
  @Loss Tensor loss() { return reduceMean(reduceSum(labels.times(logSoftmax(logits())), 1).neg()); }

  @Fetch Tensor accuracy() { return reduceMean(cast(equal(argmax(logits(), 1), argmax(labels, 1)), F32)); }
}

package dev.kiln.samples.start;

import dev.kiln.runtime.Programs;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import dev.kiln.runtime.data.Batch;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.MnistDigits;
import dev.kiln.runtime.data.TwoClasses;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The seed notebook, compiled: a first graph fed scalars and vectors, a state variable changed by
 * assignment, and logistic regression on two classes of real handwritten digits.
 */
public final class GettingStarted {
  static final int NEGATIVE = 3;
  static final int POSITIVE = 5;

  public static void main(String[] args) {
    Programs.run("GettingStarted", () -> {
      System.out.println("1. f(a, b) = (a * b) + (a + b)");
      var graph = FirstGraphCompiled.create(0);
      System.out.printf("   f(3, 4) = %s%n", graph.onScalars(NDArray.scalar(3f), NDArray.scalar(4f)));
      NDArray u = NDArray.of(new float[] {1, 2, 3}, 3);
      NDArray v = NDArray.of(new float[] {4, 5, 6}, 3);
      System.out.printf("   f(%s, %s) = %s%n", Arrays.toString(u.floats()), Arrays.toString(v.floats()),
          Arrays.toString(graph.onVectors(u, v).floats()));

      System.out.println("2. a state variable: a = 3; doubled() { return assign(a, a * 2); }");
      var first = DoublerCompiled.create(0);
      System.out.printf("   one instance:  %s, %s, %s%n", first.doubled(), first.doubled(), first.doubled());
      var second = DoublerCompiled.create(0);
      System.out.printf("   a second one:  %s (each instance owns its variables)%n", second.doubled());

      System.out.printf("3. logistic regression: digit %d or %d?%n", POSITIVE, NEGATIVE);
      Dataset[] split = split(MnistDigits.load());
      Result r = train(split[0], split[1], 5);
      System.out.printf("   %,d training digits, %,d held out; loss %.4f -> %.4f; held-out accuracy %.4f%n",
          split[0].size(), split[1].size(), r.lossBefore, r.lossAfter, r.accuracy);
    });
  }

  /** The two digits of the 8,000/2,000 split of TrainMnist (same shuffle, same cut). */
  static Dataset[] split(Dataset all) {
    Dataset[] s = all.shuffled(42).split(8_000);
    return new Dataset[] {TwoClasses.of(s[0], NEGATIVE, POSITIVE), TwoClasses.of(s[1], NEGATIVE, POSITIVE)};
  }

  record Result(float lossBefore, float lossAfter, float accuracy) {}

  static Result train(Dataset train, Dataset test, int epochs) {
    return train(TwoDigitsCompiled.create(1), train, test, epochs);
  }

  static Result train(TwoDigitsCompiled model, Dataset train, Dataset test, int epochs) {
    float before = model.loss(test.images(), test.labels());
    var sgd = model.trainer(Optimizers.sgd(0.5f));
    var rng = new SplittableRandom(1);
    for (int e = 0; e < epochs; e++) {
      for (Batch b : train.batches(50, rng)) {
        sgd.step(b.images(), b.labels());
      }
    }
    return new Result(before, model.loss(test.images(), test.labels()),
        model.accuracy(test.images(), test.labels()));
  }
}

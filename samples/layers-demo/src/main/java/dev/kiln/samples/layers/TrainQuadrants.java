package dev.kiln.samples.layers;

import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import java.util.SplittableRandom;

/** Trains {@link Quadrants} on random points and prints the loss and the held-out accuracy. */
public final class TrainQuadrants {
  private TrainQuadrants() {}

  public static void main(String[] args) {
    NDArray[] train = points(512, 1);
    NDArray[] test = points(256, 2);
    var model = QuadrantsCompiled.create(42);
    var sgd = model.trainer(Optimizers.sgd(0.3f));
    for (int epoch = 1; epoch <= 300; epoch++) {
      float loss = sgd.step(train[0], train[1]);
      if (epoch % 50 == 0) {
        System.out.printf("step %d: loss %.4f%n", epoch, loss);
      }
    }
    System.out.printf("held-out accuracy %.3f; variables %s%n",
        model.accuracy(test[0], test[1]), model.variables().keySet());
  }

  /** Points uniform in [-1, 1]^2, one-hot labelled 1 when both coordinates share a sign. */
  static NDArray[] points(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] x = new float[n * 2];
    float[] y = new float[n * 2];
    for (int i = 0; i < n; i++) {
      x[2 * i] = (float) (rng.nextDouble() * 2 - 1);
      x[2 * i + 1] = (float) (rng.nextDouble() * 2 - 1);
      y[2 * i + (x[2 * i] * x[2 * i + 1] > 0 ? 1 : 0)] = 1;
    }
    return new NDArray[] {NDArray.of(x, n, 2), NDArray.of(y, n, 2)};
  }
}

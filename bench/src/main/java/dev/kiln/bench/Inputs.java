package dev.kiln.bench;

import dev.kiln.runtime.NDArray;
import java.util.SplittableRandom;

/** Synthetic batches shaped like the digits: timing does not depend on the values. */
final class Inputs {
  private Inputs() {}

  static NDArray images(int batch, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[batch * 784];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble();
    }
    return NDArray.of(x, batch, 784);
  }

  static NDArray oneHot(int batch, int classes, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] y = new float[batch * classes];
    for (int i = 0; i < batch; i++) {
      y[i * classes + r.nextInt(classes)] = 1;
    }
    return NDArray.of(y, batch, classes);
  }
}

package dev.kiln.samples.mnist;

import dev.kiln.runtime.Backend;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import java.util.SplittableRandom;

/**
 * A few SGD steps of the seed model on synthetic digits, printing one loss per line. The AOT test
 * runs it in this JVM on Java and in a child JVM with neither kiln-runtime-llvm nor bytedeco on the
 * class path, where it must run from the packaged library ({@code main}: {@code <backend> <steps>}).
 */
public final class AotTraining {
  private AotTraining() {}

  public static void main(String[] args) {
    for (String absent : new String[] {"org.bytedeco.javacpp.Loader", "dev.kiln.runtime.llvm.LlvmNativeCode"}) {
      try {
        Class.forName(absent);
        System.out.println(absent + " is on the class path");
        return;
      } catch (ClassNotFoundException expected) {
        // The point of the run: the model must need only kiln-runtime.
      }
    }
    for (float loss : losses(Backend.parse(args[0]), Integer.parseInt(args[1]))) {
      System.out.println("loss " + loss);
    }
  }

  static float[] losses(Backend backend, int steps) {
    var model = MnistSoftmaxCompiled.create(9, backend);
    var sgd = model.trainer(Optimizers.sgd(0.5f));
    SplittableRandom rng = new SplittableRandom(5);
    float[] losses = new float[steps];
    for (int s = 0; s < steps; s++) {
      int batch = 50 + s; // a different symbolic batch each step
      float[] images = new float[batch * MnistSoftmax.PIXELS];
      float[] labels = new float[batch * MnistSoftmax.CLASSES];
      for (int r = 0; r < batch; r++) {
        int digit = rng.nextInt(MnistSoftmax.CLASSES);
        labels[r * MnistSoftmax.CLASSES + digit] = 1;
        for (int p = 0; p < MnistSoftmax.PIXELS; p++) { // a digit-dependent stripe plus noise
          images[r * MnistSoftmax.PIXELS + p] = (p % MnistSoftmax.CLASSES == digit ? 0.8f : 0f) + 0.2f * (float) rng.nextDouble();
        }
      }
      losses[s] = sgd.step(NDArray.of(images, batch, MnistSoftmax.PIXELS), NDArray.of(labels, batch, MnistSoftmax.CLASSES));
    }
    return losses;
  }
}

package dev.kiln.samples.lenet5;

import dev.kiln.runtime.Programs;
import dev.kiln.runtime.Optimizers;
import dev.kiln.runtime.data.Batch;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.MnistDigits;
import dev.kiln.runtime.data.TrainingProgress;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Trains the compiled {@link LeNet5} with Adam on 8,000 real handwritten digits, reports the
 * accuracy on 2,000 held-out digits and the time per step, and saves a checkpoint.
 */
public final class TrainLeNet5 {
  static final int EPOCHS = 5;
  static final int BATCH = 100;
  static final float LEARNING_RATE = 1e-3f;
  static final long SEED = 42;

  public static void main(String[] args) {
    Programs.run("TrainLeNet5", () -> {
      Path checkpoint = Path.of(args.length > 0 ? args[0] : "target/lenet5.safetensors");
      int epochs = args.length > 1 ? Integer.parseInt(args[1]) : EPOCHS;

      Dataset all = MnistDigits.load().shuffled(SEED);
      Dataset[] split = all.split(8_000);
      Dataset train = split[0];
      Dataset test = split[1];
      System.out.printf("MNIST digits: %,d for training, %,d held out%n", train.size(), test.size());

      var model = LeNet5Compiled.create(SEED);
      var adam = model.trainer(Optimizers.adam(LEARNING_RATE));
      var rng = new SplittableRandom(SEED);
      int stepsPerEpoch = train.batchCount(BATCH);
      long start = System.nanoTime();
      for (int epoch = 1; epoch <= epochs; epoch++) {
        double lossSum = 0;
        int steps = 0;
        long epochStart = System.nanoTime();
        try (var progress = new TrainingProgress("epoch " + epoch + "/" + epochs, stepsPerEpoch)) {
          for (Batch b : train.batches(BATCH, rng)) {
            float loss = adam.step(b.images(), b.labels());
            lossSum += loss;
            steps++;
            progress.step(loss);
          }
        }
        double ms = (System.nanoTime() - epochStart) / 1e6 / steps;
        System.out.printf("epoch %d: mean loss %.4f, held-out accuracy %.4f, %.1f ms per step%n",
            epoch, lossSum / steps, model.accuracy(test.images(), test.labels()), ms);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      float accuracy = model.accuracy(test.images(), test.labels());
      System.out.printf("trained %d epochs in %.1f s (%.1f ms per step of %d)%n",
          epochs, seconds, seconds * 1000 / (epochs * stepsPerEpoch), BATCH);
      System.out.printf("held-out accuracy: %.4f on %,d digits%n", accuracy, test.size());

      model.save(checkpoint);
      System.out.println("checkpoint saved to " + checkpoint.toAbsolutePath());
    });
  }
}

package dev.kiln.samples.mlp;

import dev.kiln.runtime.Programs;
import dev.kiln.runtime.Optimizers;
import dev.kiln.runtime.data.Batch;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.MnistDigits;
import dev.kiln.runtime.data.TrainingProgress;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Trains the compiled {@link MnistMlp} with Adam on 8,000 real handwritten digits (the split of the
 * softmax sample's TrainMnist), reports accuracy on the 2,000 held out, and saves a checkpoint.
 */
public final class TrainMlp {
  static final int EPOCHS = 10;
  static final int BATCH = 100;
  static final float LEARNING_RATE = 1e-3f;
  static final long SEED = 42;

  public static void main(String[] args) {
    Programs.run("TrainMlp", () -> {
      Path checkpoint = Path.of(args.length > 0 ? args[0] : "target/mnist-mlp.safetensors");
      Dataset[] split = split(MnistDigits.load());
      System.out.printf("MNIST digits: %,d for training, %,d held out%n", split[0].size(), split[1].size());
      var model = MnistMlpCompiled.create(SEED);
      Result r = train(model, split[0], split[1], EPOCHS, true);
      System.out.printf("trained %d epochs in %.2f s (%.2f ms per step of %d)%n",
          EPOCHS, r.seconds(), r.msPerStep(), BATCH);
      System.out.printf("held-out accuracy: %.4f on %,d digits%n", r.accuracy(), split[1].size());
      model.save(checkpoint);
      System.out.println("checkpoint saved to " + checkpoint.toAbsolutePath());
    });
  }

  /** The same shuffle and cut as TrainMnist: 8,000 for training, the rest held out. */
  static Dataset[] split(Dataset all) {
    return all.shuffled(SEED).split(8_000);
  }

  record Result(float accuracy, double seconds, double msPerStep) {}

  static Result train(MnistMlpCompiled model, Dataset train, Dataset test, int epochs, boolean verbose) {
    var adam = model.trainer(Optimizers.adam(LEARNING_RATE));
    var rng = new SplittableRandom(SEED);
    int stepsPerEpoch = train.batchCount(BATCH);
    long start = System.nanoTime();
    for (int epoch = 1; epoch <= epochs; epoch++) {
      long epochStart = System.nanoTime();
      double lossSum = 0;
      try (var progress = verbose ? new TrainingProgress("epoch " + epoch + "/" + epochs, stepsPerEpoch) : null) {
        for (Batch b : train.batches(BATCH, rng)) {
          float loss = adam.step(b.images(), b.labels());
          lossSum += loss;
          if (progress != null) {
            progress.step(loss);
          }
        }
      }
      if (verbose) {
        double ms = (System.nanoTime() - epochStart) / 1e6;
        System.out.printf("epoch %2d: mean loss %.4f, held-out accuracy %.4f, %.0f ms (%.2f ms/step)%n",
            epoch, lossSum / stepsPerEpoch, model.accuracy(test.images(), test.labels()), ms, ms / stepsPerEpoch);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(model.accuracy(test.images(), test.labels()), seconds,
        seconds * 1000 / (epochs * stepsPerEpoch));
  }
}

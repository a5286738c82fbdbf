package dev.kiln.samples.mnist;

import dev.kiln.runtime.Programs;
import dev.kiln.runtime.Optimizers;
import dev.kiln.runtime.data.Batch;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.MnistDigits;
import dev.kiln.runtime.data.TrainingProgress;
import dev.kiln.summaries.Recorder;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Trains the compiled {@link MnistSoftmax} on 8,000 real handwritten digits, reports accuracy on
 * 2,000 held-out digits, and saves a checkpoint. Summaries (loss, accuracy, a weights histogram,
 * three input digits) and the graph go to {@code target/runs/mnist-softmax/} every
 * {@value #SUMMARY_EVERY} steps, in TensorBoard's event-file format.
 */
public final class TrainMnist {
  static final int EPOCHS = 10;
  static final int BATCH = 100;
  static final float LEARNING_RATE = 0.5f;
  static final long SEED = 42;
  static final int SUMMARY_EVERY = 10;

  public static void main(String[] args) {
    Programs.run("TrainMnist", () -> {
      Path checkpoint = Path.of(args.length > 0 ? args[0] : "target/mnist-softmax.safetensors");
      Path runDir = Path.of(args.length > 1 ? args[1] : "target/runs/mnist-softmax");

      Dataset all = MnistDigits.load().shuffled(SEED);
      Dataset[] split = all.split(8_000);
      Dataset train = split[0];
      Dataset test = split[1];
      System.out.printf("MNIST digits: %,d for training, %,d held out%n", train.size(), test.size());

      var model = MnistSoftmaxCompiled.create(SEED);
      var sgd = model.trainer(Optimizers.sgd(LEARNING_RATE));
      var rng = new SplittableRandom(SEED);
      int stepsPerEpoch = (train.size() + BATCH - 1) / BATCH;
      Recorder summaries = Recorder.create(runDir, SUMMARY_EVERY).graph(MnistSoftmax.class);
      System.out.println("summaries every " + SUMMARY_EVERY + " steps to " + summaries.file().toAbsolutePath());
      long step = 0;
      long start = System.nanoTime();
      for (int epoch = 1; epoch <= EPOCHS; epoch++) {
        long epochStart = System.nanoTime();
        double lossSum = 0;
        int steps = 0;
        try (var progress = new TrainingProgress("epoch " + epoch + "/" + EPOCHS, stepsPerEpoch)) {
          for (Batch b : train.batches(BATCH, rng)) {
            float loss = sgd.step(b.images(), b.labels());
            // Only every SUMMARY_EVERY-th step pays for the one merged summaries fetch.
            summaries.record(step++, () -> model.summaries(b.images(), b.labels()));
            lossSum += loss;
            steps++;
            progress.step(loss);
          }
        }
        double epochMillis = (System.nanoTime() - epochStart) / 1e6;
        System.out.printf("epoch %2d: mean loss %.4f, held-out accuracy %.4f, %.0f ms (%.2f ms/step)%n",
            epoch, lossSum / steps, model.accuracy(test.images(), test.labels()),
            epochMillis, epochMillis / steps);
      }
      summaries.close();
      double seconds = (System.nanoTime() - start) / 1e9;
      float accuracy = model.accuracy(test.images(), test.labels());
      System.out.printf("trained %d epochs in %.2f s (%.2f ms per step of %d)%n",
          EPOCHS, seconds, seconds * 1000 / (EPOCHS * stepsPerEpoch), BATCH);
      System.out.printf("held-out accuracy: %.4f on %,d digits%n", accuracy, test.size());

      model.save(checkpoint);
      System.out.println("checkpoint saved to " + checkpoint.toAbsolutePath());
    });
  }
}

package dev.kiln.board;

import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import dev.kiln.runtime.data.Batch;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.MnistDigits;
import dev.kiln.samples.mnist.MnistSoftmaxCompiled;
import java.io.IOException;
import dev.kiln.summaries.EventFileWriter;
import dev.kiln.summaries.GraphDefs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A short training run of the MNIST sample's compiled model, logged the way a training loop logs
 * summaries: the model's graph, the loss every step, and held-out accuracy, the weights'
 * histogram and a digit image every few steps.
 */
final class MnistRun {
  static final int STEPS = 60;
  static final int EVERY = 10;

  private MnistRun() {}

  /**
   * Trains {@link #STEPS} steps, writing TensorBoard event files into {@code logdir/mnist-softmax}
   * with the summaries module's writer; returns what was logged, for the test to compare with.
   */
  static MapRunSource train(Path logdir) throws IOException {
    MapRunSource logged = new MapRunSource("mnist-softmax");
    Dataset[] split = MnistDigits.load().shuffled(42).split(8_000);
    Dataset train = split[0];
    Dataset test = split[1].subset(java.util.stream.IntStream.range(0, 500).toArray());
    var model = MnistSoftmaxCompiled.create(42);
    var sgd = model.trainer(Optimizers.sgd(0.5f));
    List<RunSource.Scalar> loss = new ArrayList<>();
    List<RunSource.Scalar> accuracy = new ArrayList<>();
    List<RunSource.Histogram> weights = new ArrayList<>();
    List<RunSource.Image> digits = new ArrayList<>();
    long step = 0;
    var rng = new SplittableRandom(42);
    try (EventFileWriter events = EventFileWriter.create(logdir.resolve(logged.run))) {
      events.addGraph(GraphDefs.of(MnistSoftmaxCompiled.class));
      outer:
      while (true) {
        for (Batch b : train.batches(100, rng)) {
          if (step == STEPS) {
            break outer;
          }
          float l = sgd.step(b.images(), b.labels());
          events.addScalar("loss", step, l);
          loss.add(new RunSource.Scalar(step, 0, l));
          if (step % EVERY == 0) {
            float a = model.accuracy(test.images(), test.labels());
            events.addScalar("accuracy", step, a);
            accuracy.add(new RunSource.Scalar(step, 0, a));
            events.addHistogram("weights", step, doubles(model.variables().get("weights")));
            weights.add(new RunSource.Histogram(step, 0, 0, new double[0], new double[0]));
            double[] pixels = new double[28 * 28];
            for (int i = 0; i < pixels.length; i++) {
              pixels[i] = b.images().getFloat(0, i);
            }
            events.addImage("input/digit", step, pixels, 28, 28, 1);
            digits.add(new RunSource.Image(step, new byte[0]));
          }
          step++;
        }
      }
    }
    logged.scalars.put("loss", loss);
    logged.scalars.put("accuracy", accuracy);
    logged.histograms.put("weights", weights);
    logged.images.put("input/digit", digits);
    return logged;
  }

  static double[] doubles(NDArray a) {
    double[] d = new double[NDArray.sizeOf(a.shape())];
    for (int i = 0; i < d.length; i++) {
      d[i] = a.elementAsDouble(i);
    }
    return d;
  }
}

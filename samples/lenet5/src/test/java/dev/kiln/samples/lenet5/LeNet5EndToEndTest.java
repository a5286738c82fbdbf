package dev.kiln.samples.lenet5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dsl.DType;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import dev.kiln.runtime.data.Batch;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.MnistDigits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compiled LeNet-5 end to end on real digits: a short training run, checkpoints, misuse. */
class LeNet5EndToEndTest {
  static Dataset train;
  static Dataset test;

  @TempDir Path dir;

  @BeforeAll
  static void loadDigits() throws IOException {
    Dataset[] split = MnistDigits.load().shuffled(7).split(2_000);
    train = split[0];
    test = split[1].split(1_000)[0];
  }

  @Test
  void oneEpochOnTwoThousandDigitsLearnsTheDigits() {
    var model = LeNet5Compiled.create(1);
    float lossBefore = model.loss(test.images(), test.labels());
    var adam = model.trainer(Optimizers.adam(1e-3f));
    for (Batch b : train.batches(100, new SplittableRandom(1))) {
      assertTrue(Float.isFinite(adam.step(b.images(), b.labels())));
    }
    float lossAfter = model.loss(test.images(), test.labels());
    float accuracy = model.accuracy(test.images(), test.labels());
    assertTrue(lossAfter < lossBefore / 3, "held-out loss " + lossBefore + " -> " + lossAfter);
    // 20 Adam steps of 100 digits: LeNet-5 reaches about 0.85 here; chance is 0.1.
    assertTrue(accuracy > 0.75f, "held-out accuracy " + accuracy);
  }

  @Test
  void checkpointRoundTripGivesIdenticalAccuracy() {
    var model = LeNet5Compiled.create(5);
    var adam = model.trainer(Optimizers.adam(1e-3f));
    Batch first = train.batches(100, new SplittableRandom(5)).iterator().next();
    adam.step(first.images(), first.labels());
    Path file = dir.resolve("lenet.safetensors");
    model.save(file);
    var restored = LeNet5Compiled.create(99);
    restored.restore(file);
    assertEquals(model.loss(test.images(), test.labels()), restored.loss(test.images(), test.labels()));
  }

  @Test
  void imagesOfTheWrongSizeNameTheInput() {
    var model = LeNet5Compiled.create(1);
    var e = assertThrows(IllegalArgumentException.class,
        () -> model.accuracy(NDArray.zeros(DType.F32, 10, 783), NDArray.zeros(DType.F32, 10, 10)));
    assertTrue(e.getMessage().contains("images") && e.getMessage().contains("783"), e.getMessage());
  }
}

package dev.kiln.samples.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.CheckpointException;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import dev.kiln.runtime.data.Batch;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.MnistDigits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compiled seed model, end to end on real digits: train, evaluate, checkpoint, misuse. */
class MnistSoftmaxEndToEndTest {
  static Dataset train;
  static Dataset test;

  @TempDir Path dir;

  @BeforeAll
  static void loadDigits() throws IOException {
    Dataset[] split = MnistDigits.load().shuffled(7).split(3_000);
    train = split[0];
    test = split[1].split(1_000)[0];
  }

  @Test
  void trainingOnASliceLowersTheLossAndLearnsTheDigits() {
    var model = MnistSoftmaxCompiled.create(1);
    float lossBefore = model.loss(test.images(), test.labels());
    float accuracyBefore = model.accuracy(test.images(), test.labels());
    var sgd = model.trainer(Optimizers.sgd(0.5f));
    var rng = new SplittableRandom(1);
    for (int epoch = 0; epoch < 3; epoch++) {
      for (Batch b : train.batches(100, rng)) {
        assertTrue(Float.isFinite(sgd.step(b.images(), b.labels())));
      }
    }
    float lossAfter = model.loss(test.images(), test.labels());
    float accuracyAfter = model.accuracy(test.images(), test.labels());
    assertTrue(lossAfter < lossBefore / 2, "held-out loss " + lossBefore + " -> " + lossAfter);
    // 3,000 training digits, 3 epochs: softmax regression reaches ~0.87 here; chance is 0.1.
    assertTrue(accuracyAfter > 0.80f,
        "held-out accuracy " + accuracyBefore + " -> " + accuracyAfter);
  }

  @Test
  void estimatesAreProbabilitiesForAnyBatchSize() {
    var model = MnistSoftmaxCompiled.create(3);
    for (int n : new int[] {1, 7, 100}) {
      NDArray p = model.estimates(test.images().rows(0, n));
      assertArrayEquals(new int[] {n, 10}, p.shape());
      for (int i = 0; i < n; i++) {
        double sum = 0;
        for (int j = 0; j < 10; j++) {
          sum += p.getFloat(i, j);
        }
        assertEquals(1.0, sum, 1e-5);
      }
    }
  }

  @Test
  void checkpointRoundTripGivesIdenticalOutputsInANewInstance() {
    var model = MnistSoftmaxCompiled.create(5);
    var sgd = model.trainer(Optimizers.sgd(0.5f));
    for (Batch b : train.batches(100, new SplittableRandom(5))) {
      sgd.step(b.images(), b.labels());
    }
    Path file = dir.resolve("model.safetensors");
    model.save(file);

    var restored = MnistSoftmaxCompiled.create(99);
    restored.restore(file);
    assertEquals(model.estimates(test.images()), restored.estimates(test.images()));
    assertEquals(model.accuracy(test.images(), test.labels()),
        restored.accuracy(test.images(), test.labels()));
  }

  @Test
  void truncatedCheckpointIsAClearErrorAndChangesNothing() throws IOException {
    Path file = dir.resolve("model.safetensors");
    MnistSoftmaxCompiled.create(5).save(file);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));

    var model = MnistSoftmaxCompiled.create(6);
    NDArray before = model.estimates(test.images());
    var e = assertThrows(CheckpointException.class, () -> model.restore(file));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    assertEquals(before, model.estimates(test.images()));
  }

  @Test
  void checkpointOfAnotherShapeIsAClearErrorAndChangesNothing() {
    Path file = dir.resolve("other.safetensors");
    var other = new dev.kiln.runtime.ModelState("Other");
    other.add("weights", dev.kiln.dsl.DType.F32, 784, 5);
    other.add("bias", dev.kiln.dsl.DType.F32, 10);
    other.save(file);

    var model = MnistSoftmaxCompiled.create(6);
    NDArray before = model.estimates(test.images());
    var e = assertThrows(CheckpointException.class, () -> model.restore(file));
    assertTrue(e.getMessage().contains("weights") && e.getMessage().contains("[784, 10]"),
        e.getMessage());
    assertEquals(before, model.estimates(test.images()));
  }

  @Test
  void wrongShapeFeedNamesTheInputAndBothShapes() {
    var model = MnistSoftmaxCompiled.create(1);
    var e = assertThrows(IllegalArgumentException.class,
        () -> model.estimates(NDArray.zeros(dev.kiln.dsl.DType.F32, 100, 783)));
    assertTrue(e.getMessage().contains("examples"), e.getMessage());
    assertTrue(e.getMessage().contains("784") && e.getMessage().contains("783"), e.getMessage());

    var e2 = assertThrows(IllegalArgumentException.class,
        () -> model.accuracy(test.images().rows(0, 100), test.labels().rows(0, 50)));
    assertTrue(e2.getMessage().contains("labels"), e2.getMessage());
  }
}

package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.NDArray;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DatasetTest {
  /** Example i has features [i, 10 i] and class i % 3. */
  private static Dataset sample(int n) {
    float[] x = new float[n * 2];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = 10 * i;
      y[i] = i % 3;
    }
    return new Dataset(NDArray.of(x, n, 2), Dataset.oneHot(y, 3));
  }

  @Test
  void splitKeepsOrderAndCopies() {
    Dataset[] parts = sample(10).split(7);
    assertEquals(7, parts[0].size());
    assertEquals(3, parts[1].size());
    assertEquals(7f, parts[1].images().getFloat(0, 0));
    assertEquals(1, parts[1].label(0));
    assertThrows(IllegalArgumentException.class, () -> sample(10).split(11));
  }

  @Test
  void shuffledIsASeededPermutationThatKeepsPairs() {
    Dataset d = sample(50);
    Dataset a = d.shuffled(3);
    assertEquals(a.images(), d.shuffled(3).images());
    assertNotEquals(a.images(), d.shuffled(4).images());
    boolean[] seen = new boolean[50];
    for (int i = 0; i < 50; i++) {
      int orig = (int) a.images().getFloat(i, 0);
      seen[orig] = true;
      assertEquals(10f * orig, a.images().getFloat(i, 1));
      assertEquals(orig % 3, a.label(i));
    }
    for (boolean s : seen) assertTrue(s);
  }

  @Test
  void batchesCoverEveryExampleOncePerEpochIncludingTheLastPartialBatch() {
    Dataset d = sample(23);
    Iterable<Batch> batches = d.batches(5, new SplittableRandom(1));
    List<Integer> sizes = new ArrayList<>();
    List<Integer> firstEpoch = new ArrayList<>();
    boolean[] seen = new boolean[23];
    for (Batch b : batches) {
      sizes.add(b.size());
      for (int i = 0; i < b.size(); i++) {
        int orig = (int) b.images().getFloat(i, 0);
        assertTrue(!seen[orig], "example " + orig + " twice in one epoch");
        seen[orig] = true;
        firstEpoch.add(orig);
        assertEquals(orig % 3, b.labels().getFloat(i, orig % 3) == 1f ? orig % 3 : -1);
      }
    }
    assertEquals(List.of(5, 5, 5, 5, 3), sizes);
    assertEquals(5, d.batchCount(5));
    List<Integer> secondEpoch = new ArrayList<>();
    for (Batch b : batches) for (int i = 0; i < b.size(); i++) secondEpoch.add((int) b.images().getFloat(i, 0));
    assertEquals(23, secondEpoch.size());
    assertNotEquals(firstEpoch, secondEpoch, "each epoch is shuffled anew");
  }

  @Test
  void invalidDatasets() {
    assertThrows(IllegalArgumentException.class,
        () -> new Dataset(NDArray.of(new float[4], 2, 2), NDArray.of(new float[3], 3, 1)));
    assertThrows(IllegalArgumentException.class, () -> sample(3).batches(0, new SplittableRandom(1)));
  }

  @Test
  void trainingProgressShowsStepsAndRunningLoss() {
    var bytes = new ByteArrayOutputStream();
    var out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (var p = new TrainingProgress("epoch 1/2", 3, out)) {
      p.step(1f);
      p.step(2f);
      p.step(3f);
      assertEquals(2.0, p.meanLoss(), 1e-9);
      assertEquals(3, p.steps());
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("epoch 1/2"), text);
    assertTrue(text.contains("3/3"), text);
    assertTrue(text.contains("loss 2.0000"), text);
  }

  @Test
  void trainingProgressCanPrintOnlyASummary() {
    var bytes = new ByteArrayOutputStream();
    var out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    System.setProperty("kiln.progress", "false");
    try (var p = new TrainingProgress("epoch 2/2", 2, out)) {
      p.step(0.5f);
      p.step(1.5f);
    } finally {
      System.clearProperty("kiln.progress");
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.startsWith("epoch 2/2: 2/2 steps, mean loss 1.0000, "), text);
  }
}

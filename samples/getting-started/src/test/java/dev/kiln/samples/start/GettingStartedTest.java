package dev.kiln.samples.start;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.MnistDigits;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The getting-started sample end to end, through the generated classes. */
class GettingStartedTest {
  @Test
  void firstGraphOnScalarsAndVectors() {
    var g = FirstGraphCompiled.create(0);
    assertEquals(19f, g.onScalars(NDArray.scalar(3f), NDArray.scalar(4f)));
    NDArray out = g.onVectors(NDArray.of(new float[] {1, 2, 3}, 3), NDArray.of(new float[] {4, 5, 6}, 3));
    assertArrayEquals(new float[] {9, 17, 27}, out.floats());
    assertEquals(1, g.onVectors(NDArray.of(new float[] {2}, 1), NDArray.of(new float[] {2}, 1)).size());
  }

  @Test
  void doubledGives6Then12Then24AndEachInstanceStartsAgain(@TempDir Path dir) {
    var first = DoublerCompiled.create(0);
    assertEquals(6f, first.doubled());
    assertEquals(12f, first.doubled());
    assertEquals(24f, first.doubled());
    assertEquals(24f, first.current());
    var second = DoublerCompiled.create(0);
    assertEquals(6f, second.doubled());
    // State variables are checkpointed with the instance.
    first.save(dir.resolve("a.safetensors"));
    second.restore(dir.resolve("a.safetensors"));
    assertEquals(48f, second.doubled());
    assertEquals(24f, first.current());
  }

  @Test
  void logisticRegressionSeparatesTwoRealDigits() throws IOException {
    Dataset[] split = GettingStarted.split(MnistDigits.load());
    assertTrue(split[0].size() > 1_000 && split[1].size() > 200, split[0] + " / " + split[1]);
    GettingStarted.Result r = GettingStarted.train(split[0], split[1], 3);
    assertTrue(r.lossAfter() < r.lossBefore() / 3, r.toString());
    // ~0.93 after three epochs; the sample (five) prints its own.
    assertTrue(r.accuracy() >= 0.90f, r.toString());
  }
}

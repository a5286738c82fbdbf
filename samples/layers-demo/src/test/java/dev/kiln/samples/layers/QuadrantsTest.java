package dev.kiln.samples.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The model compiled against kiln-layers' jar trains: gradients reach every Dense layer. */
class QuadrantsTest {
  @Test
  void theLayersCameFromTheJarNotFromSource() {
    // Only the class and the shipped source are on the class path, never dev/kiln/layers/Dense.java.
    assertNull(getClass().getResource("/dev/kiln/layers/Dense.java"));
    assertTrue(getClass().getResource("/dev/kiln/layers/Dense.kiln-source") != null);
  }

  @Test
  void trainingLowersTheLossAndLearnsTheXor() {
    NDArray[] train = TrainQuadrants.points(256, 1);
    var model = QuadrantsCompiled.create(42);
    assertEquals(List.of("hidden/weights", "hidden/bias", "deeper/weights", "deeper/bias", "out/weights", "out/bias"),
        List.copyOf(model.variables().keySet()));
    var sgd = model.trainer(Optimizers.sgd(0.3f));
    float first = sgd.step(train[0], train[1]);
    float last = first;
    for (int i = 0; i < 300; i++) {
      last = sgd.step(train[0], train[1]);
    }
    assertTrue(last < first * 0.5f, "loss " + first + " -> " + last);
    assertTrue(model.accuracy(train[0], train[1]) > 0.85f);
  }
}

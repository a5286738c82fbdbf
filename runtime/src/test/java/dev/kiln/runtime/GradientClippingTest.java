package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** clipByGlobalNorm in the reference optimizers: engages above the threshold only. */
class GradientClippingTest {
  // Two gradients with global norm sqrt(3² + 4²) = 5.
  private static NDArray g1() {
    return NDArray.of(new float[] {3f}, 1);
  }

  private static NDArray g2() {
    return NDArray.of(new float[] {0f, 4f}, 2);
  }

  private static float[][] sgdStep(Optimizer opt) {
    NDArray a = NDArray.of(new float[] {1f}, 1);
    NDArray b = NDArray.of(new float[] {1f, 1f}, 2);
    opt.init(List.of(a, b)).step(List.of(a, b), List.of(g1(), g2()));
    return new float[][] {a.floats(), b.floats()};
  }

  @Test
  void scalesAllGradientsTogetherAboveTheThreshold() {
    // norm 5 > 2.5: every gradient is halved, so p -= 1 * g / 2
    float[][] p = sgdStep(Optimizers.sgd(1f).clipByGlobalNorm(2.5f));
    assertArrayEquals(new float[] {-0.5f}, p[0], 1e-6f);
    assertArrayEquals(new float[] {1f, -1f}, p[1], 1e-6f);
  }

  @Test
  void leavesGradientsAloneAtOrBelowTheThreshold() {
    float[][] unclipped = sgdStep(Optimizers.sgd(1f));
    assertArrayEquals(unclipped[0], sgdStep(Optimizers.sgd(1f).clipByGlobalNorm(5f))[0]);
    assertArrayEquals(unclipped[1], sgdStep(Optimizers.sgd(1f).clipByGlobalNorm(100f))[1]);
    assertArrayEquals(new float[] {-2f}, unclipped[0], 1e-6f);
  }

  @Test
  void theScaleIsTheThresholdOverTheNorm() {
    assertEquals(0.5f, Optimizers.globalNormScale(2.5f, List.of(g1().floats(), g2().floats())));
    assertEquals(1f, Optimizers.globalNormScale(6f, List.of(g1().floats(), g2().floats())));
    assertEquals(1f, Optimizers.globalNormScale(Optimizers.NO_CLIP, List.of(g1().floats())));
  }

  @Test
  void theCallersGradientsAreNotChanged() {
    NDArray a = NDArray.of(new float[] {1f}, 1);
    NDArray g = g1();
    Optimizers.adam(0.1f).clipByGlobalNorm(1f).init(List.of(a)).step(List.of(a), List.of(g));
    assertArrayEquals(new float[] {3f}, g.floats());
  }

  @Test
  void describesAndValidates() {
    assertEquals("sgd(lr=0.1).clipByGlobalNorm(5.0)", Optimizers.sgd(0.1f).clipByGlobalNorm(5f).describe());
    assertEquals(5f, Optimizers.rmsProp(0.1f).clipByGlobalNorm(5f).clipNorm());
    var e = assertThrows(IllegalArgumentException.class, () -> Optimizers.sgd(0.1f).clipByGlobalNorm(0f));
    assertEquals("the global-norm threshold must be a positive number, got 0.0", e.getMessage());
  }
}

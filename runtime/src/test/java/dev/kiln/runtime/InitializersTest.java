package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dsl.DType;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InitializersTest {
  private static NDArray filled(String kind, double[] args, long seed, int... shape) {
    NDArray v = NDArray.zeros(DType.F32, shape);
    Initializers.fill(v, kind, args, new SplittableRandom(seed));
    return v;
  }

  private static double mean(float[] x) {
    double s = 0;
    for (float f : x) s += f;
    return s / x.length;
  }

  private static double std(float[] x) {
    double m = mean(x), s = 0;
    for (float f : x) s += (f - m) * (f - m);
    return Math.sqrt(s / x.length);
  }

  @Test
  void constantsZerosOnes() {
    for (float f : filled("constant", new double[] {0.1}, 1, 10).floats()) assertEquals(0.1f, f);
    for (float f : filled("ones", null, 1, 3, 3).floats()) assertEquals(1f, f);
    NDArray v = NDArray.of(new float[] {5, 5}, 2);
    Initializers.fill(v, "zeros", new double[0], new SplittableRandom(1));
    assertEquals(NDArray.zeros(DType.F32, 2), v);
    NDArray d = NDArray.zeros(DType.F64, 4);
    Initializers.fill(d, "constant", new double[] {0.25}, new SplittableRandom(1));
    assertEquals(0.25, d.doubles()[3]);
  }

  @Test
  void truncatedNormalStaysWithinTwoSigmaWithTheRightMoments() {
    float[] x = filled("truncatedNormal", new double[] {1.0, 0.1}, 42, 784, 10).floats();
    for (float f : x) assertTrue(f >= 0.8f - 1e-6f && f <= 1.2f + 1e-6f, "value " + f);
    assertEquals(1.0, mean(x), 0.005);
    // a normal truncated at ±2σ has standard deviation 0.8796σ
    assertEquals(0.08796, std(x), 0.003);
  }

  @Test
  void randomNormalAndUniformHaveTheRightMoments() {
    float[] n = filled("randomNormal", new double[] {-2, 3}, 7, 20000).floats();
    assertEquals(-2, mean(n), 0.08);
    assertEquals(3, std(n), 0.08);
    float[] u = filled("randomUniform", new double[] {-1, 3}, 7, 20000).floats();
    for (float f : u) assertTrue(f >= -1 && f < 3);
    assertEquals(1, mean(u), 0.05);
    assertEquals(4 / Math.sqrt(12), std(u), 0.03);
  }

  @Test
  void glorotUniformUsesFanInAndFanOut() {
    float[] w = filled("glorotUniform", null, 3, 784, 10).floats();
    double limit = Math.sqrt(6.0 / (784 + 10));
    double max = 0;
    for (float f : w) max = Math.max(max, Math.abs(f));
    assertTrue(max <= limit && max > 0.95 * limit, "max " + max + " limit " + limit);
    assertEquals(limit / Math.sqrt(3), std(w), 0.005);
    float[] b = filled("glorot_uniform", null, 3, 50).floats(); // 1-D: fan_in = fan_out = n
    for (float f : b) assertTrue(Math.abs(f) <= Math.sqrt(6.0 / 100));
  }

  @Test
  void seededDrawsAreReproducible() {
    assertEquals(filled("truncatedNormal", new double[] {0, 1}, 9, 100),
        filled("truncatedNormal", new double[] {0, 1}, 9, 100));
    assertNotEquals(filled("truncatedNormal", new double[] {0, 1}, 9, 100),
        filled("truncatedNormal", new double[] {0, 1}, 10, 100));
  }

  @Test
  void unknownKindOrDtypeIsAnError() {
    var e = assertThrows(IllegalArgumentException.class, () -> filled("xavier", null, 1, 2));
    assertTrue(e.getMessage().startsWith("unknown initializer 'xavier'"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Initializers.fill(NDArray.zeros(DType.I32, 2), "zeros", null, new SplittableRandom(1)));
  }
}

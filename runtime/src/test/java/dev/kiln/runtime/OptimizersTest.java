package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dsl.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptimizersTest {
  private static final NDArray G1 = NDArray.of(new float[] {0.5f, -1f}, 2);
  private static final NDArray G2 = NDArray.of(new float[] {1f, 0f}, 2);

  private static float[] run(Optimizer opt, NDArray... grads) {
    NDArray p = NDArray.of(new float[] {1f, 2f}, 2);
    OptimizerState s = opt.init(List.of(p));
    for (NDArray g : grads) {
      s.update(0, p, g);
      s.endStep();
    }
    return p.floats();
  }

  @Test
  void sgd() {
    // p - lr * g = [1 - 0.05, 2 + 0.1]
    assertArrayEquals(new float[] {0.95f, 2.1f}, run(Optimizers.sgd(0.1f), G1), 1e-6f);
    assertEquals("sgd(lr=0.1)", Optimizers.sgd(0.1f).describe());
  }

  @Test
  void momentum() {
    // step 1: v = g = [0.5, -1], p = [0.95, 2.1]; step 2 (same g): v = [0.95, -1.9], p = [0.855, 2.29]
    assertArrayEquals(new float[] {0.855f, 2.29f}, run(Optimizers.momentum(0.1f, 0.9f), G1, G1), 1e-6f);
  }

  @Test
  void adam() {
    // step 1: bias-corrected m/sqrt(v) = sign(g), so p moves by lr: [0.9, 2.1]
    assertArrayEquals(new float[] {0.9f, 2.1f}, run(Optimizers.adam(0.1f), G1), 1e-6f);
    // step 2 with g = [1, 0]: m = [0.145, -0.09], v = [0.00124975, 0.000999], corrections 0.19 / 0.001999
    assertArrayEquals(new float[] {0.8034818f, 2.1670058f}, run(Optimizers.adam(0.1f), G1, G2), 1e-5f);
  }

  @Test
  void rmsProp() {
    // step 1: s = 0.01 g², so g / sqrt(s) = 10 sign(g) and p moves by 10 lr = 0.1
    assertArrayEquals(new float[] {0.9f, 2.1f}, run(Optimizers.rmsProp(0.01f), G1), 1e-6f);
    // step 2, g = [1, 0]: s0 = 0.99 * 0.0025 + 0.01 = 0.012475, p0 = 0.9 - 0.01 / sqrt(0.012475)
    assertArrayEquals(new float[] {0.8104677f, 2.1f}, run(Optimizers.rmsProp(0.01f), G1, G2), 1e-5f);
  }

  @Test
  void statesAreIndependentPerParameterAndPerInit() {
    Optimizer opt = Optimizers.momentum(0.1f, 0.9f);
    NDArray a = NDArray.of(new float[] {1f, 2f}, 2);
    NDArray b = NDArray.of(new float[] {5f}, 1);
    OptimizerState s = opt.init(List.of(a, b));
    s.update(0, a, G1);
    s.update(1, b, NDArray.of(new float[] {1f}, 1));
    s.endStep();
    assertEquals(4.9f, b.getFloat(0), 1e-6f);
    // a second model's state starts fresh
    assertArrayEquals(new float[] {0.95f, 2.1f}, run(opt, G1), 1e-6f);
  }

  @Test
  void misuseIsAClearError() {
    NDArray p = NDArray.of(new float[] {1f, 2f}, 2);
    OptimizerState s = Optimizers.sgd(0.1f).init(List.of(p));
    var e = assertThrows(IllegalArgumentException.class,
        () -> s.update(0, p, NDArray.of(new float[] {1f, 2f, 3f}, 3)));
    assertEquals("the gradient of parameter 0 is f32[3], expected f32[2]", e.getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> s.update(1, p, G1));
    assertThrows(IllegalArgumentException.class,
        () -> Optimizers.adam(0.1f).init(List.of(NDArray.zeros(DType.F64, 2))));
    assertThrows(IllegalArgumentException.class, () -> Optimizers.sgd(0f));
    assertTrue(Optimizers.adam(1e-3f).describe().startsWith("adam(lr=0.001"));
  }
}

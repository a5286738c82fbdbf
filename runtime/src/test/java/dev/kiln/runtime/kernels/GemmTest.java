package dev.kiln.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Gemm against a triple loop in double, over shapes that hit every tile edge and path. */
class GemmTest {
  private static final int[] SMALL = {1, 2, 3, 4, 5, 9, 17};

  @Test
  void everySmallShapeAndTransposeMatchesTheTripleLoop() {
    for (int m : SMALL) {
      for (int n : SMALL) {
        for (int k : SMALL) {
          allTransposes(m, n, k);
        }
      }
    }
  }

  @Test
  void shapesAroundTheBlockSizesAndTheNarrowPathMatch() {
    int[][] shapes = {
        {1, 1, 1}, {100, 10, 784}, {784, 10, 100}, {100, 784, 10}, {100, 256, 784},
        {7, Gemm.NC + 8, Gemm.KC + 4}, {37, 33, 300}, {5, 2 * Gemm.NC + 3, 9}, {130, 3, 50},
        {6, Gemm.NARROW - 1, Gemm.KC + 1}, {Gemm.NARROW - 1, Gemm.NARROW - 1, 40}, {64, 64, 64}};
    for (int[] s : shapes) {
      allTransposes(s[0], s[1], s[2]);
    }
  }

  @Test
  void offsetsAddIntoWhatTheOutputHolds() {
    // As a batched product calls it: the second matrix of each operand, added onto a prefilled c.
    int m = 9;
    int n = 40;
    int k = 13;
    SplittableRandom r = new SplittableRandom(3);
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        float[] a = random(r, 2 * m * k + 5);
        float[] b = random(r, 2 * k * n + 7);
        float[] c = random(r, 2 * m * n + 1);
        float[] expected = c.clone();
        reference(ta, tb, m, n, k, a, m * k + 5, b, k * n + 7, expected, m * n + 1);
        Gemm.sgemm(ta, tb, m, n, k, a, m * k + 5, b, k * n + 7, c, m * n + 1);
        compare("offsets ta=" + ta + " tb=" + tb, expected, c, a, b, m * n + k);
      }
    }
  }

  @Test
  void anEmptyProductLeavesTheOutputAlone() {
    float[] c = {1, 2};
    Gemm.sgemm(false, false, 1, 2, 0, new float[0], 0, new float[0], 0, c, 0);
    assertEquals(1f, c[0]);
    assertEquals(2f, c[1]);
  }

  private static void allTransposes(int m, int n, int k) {
    SplittableRandom r = new SplittableRandom(31L * m + 17L * n + k);
    float[] a = random(r, m * k);
    float[] b = random(r, k * n);
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        float[] expected = new float[m * n];
        reference(ta, tb, m, n, k, a, 0, b, 0, expected, 0);
        float[] c = new float[m * n];
        Gemm.sgemm(ta, tb, m, n, k, a, 0, b, 0, c, 0);
        compare("%dx%dx%d ta=%s tb=%s".formatted(m, n, k, ta, tb), expected, c, a, b, k);
      }
    }
  }

  private static void reference(boolean ta, boolean tb, int m, int n, int k, float[] a, int aOff,
      float[] b, int bOff, float[] c, int cOff) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = c[cOff + i * n + j];
        for (int p = 0; p < k; p++) {
          double av = a[aOff + (ta ? p * m + i : i * k + p)];
          double bv = b[bOff + (tb ? j * k + p : p * n + j)];
          sum += av * bv;
        }
        c[cOff + i * n + j] = (float) sum;
      }
    }
  }

  /** Operands lie in [-1, 1]: k terms each carry at most one f32 rounding of a value ≤ k. */
  private static void compare(String what, float[] expected, float[] actual, float[] a, float[] b,
      int terms) {
    double tolerance = 4e-7 * terms + 1e-6;
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
        fail("%s: element %d is %s, expected %s".formatted(what, i, actual[i], expected[i]));
      }
    }
  }

  private static float[] random(SplittableRandom r, int size) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return v;
  }
}

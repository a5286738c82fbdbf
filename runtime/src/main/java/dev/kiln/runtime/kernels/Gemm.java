package dev.kiln.runtime.kernels;

/**
 * The f32 matrix product the Java backend's generated kernels call: plain Java shaped so that C2
 * vectorizes it (AVX-512 FMAs on x86), no natives and no incubator modules.
 *
 * <p>Why this shape. C2 vectorizes a loop only when it can rule out overlap between the arrays it
 * stores to and loads from; with two {@code float[]} parameters indexed at different offsets it
 * cannot, and the loop stays scalar (~5 GFLOP/s). So the inner loop only ever indexes
 * {@code [j]}: a block of B is packed into one array per row, and four rows of C are accumulated
 * in four row buffers (copied in and out with {@code System.arraycopy}). Each inner iteration
 * applies four k-steps to four rows, 16 FMAs ({@code Math.fma}, which C2 vectorizes, where
 * {@code a * b + c} over a sum of products is left scalar) per four B loads and four C
 * loads/stores. Blocks of {@value #KC} × {@value #NC} keep the packed B in L2 and the rows in
 * use in L1. A product whose rows are too short to fill a vector (n = 10 in a classifier's
 * logits) is computed transposed, Cᵀ = op(B)ᵀ · op(A)ᵀ, so the long side is the vector side.
 *
 * <p>Sums run over k in order, each step fused (one rounding per step): results differ from a
 * plain loop's only by rounding.
 */
public final class Gemm {
  private Gemm() {}

  /** k-steps per packed block of B. */
  static final int KC = 256;
  /** Columns per packed block of B and per row buffer of C. */
  static final int NC = 512;
  /** Below this many columns a product runs transposed when that gives longer rows. */
  static final int NARROW = 32;
  /** Products of at most this many multiply-adds run as plain loops: packing would cost more. */
  static final int TINY = 2048;

  /**
   * {@code c[cOff + i·n + j] += Σₚ op(a)[i, p] · op(b)[p, j]} over row-major arrays, where
   * {@code op(a)} is m × k (stored k × m from {@code aOff} when {@code ta}, else m × k) and
   * {@code op(b)} is k × n (stored n × k from {@code bOff} when {@code tb}, else k × n).
   */
  public static void sgemm(boolean ta, boolean tb, int m, int n, int k,
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
    if (m == 0 || n == 0 || k == 0) {
      return;
    }
    // Element (i, p) of op(a) is a[aOff + i·ars + p·acs]; (p, j) of op(b) is b[bOff + p·brs + j·bcs].
    int ars = ta ? 1 : k;
    int acs = ta ? m : 1;
    int brs = tb ? 1 : n;
    int bcs = tb ? k : 1;
    if ((long) m * n * k <= TINY) {
      plain(m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff);
    } else if (n < NARROW && m > n) {
      // Cᵀ (n × m) = op(b)ᵀ · op(a)ᵀ: the same strides read the other way round.
      float[] ct = new float[n * m];
      blocked(n, m, k, b, bOff, bcs, brs, a, aOff, acs, ars, ct, 0, m);
      for (int i = 0; i < m; i++) {
        int row = cOff + i * n;
        for (int j = 0; j < n; j++) {
          c[row + j] += ct[j * m + i];
        }
      }
    } else {
      blocked(m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, n);
    }
  }

  private static void plain(int m, int n, int k, float[] a, int aOff, int ars, int acs,
      float[] b, int bOff, int brs, int bcs, float[] c, int cOff) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float sum = c[cOff + i * n + j];
        for (int p = 0; p < k; p++) {
          sum = Math.fma(a[aOff + i * ars + p * acs], b[bOff + p * brs + j * bcs], sum);
        }
        c[cOff + i * n + j] = sum;
      }
    }
  }

  /** C (m × n, rows ldc apart from cOff) += A · B with A, B given by strides. */
  private static void blocked(int m, int n, int k, float[] a, int aOff, int ars, int acs,
      float[] b, int bOff, int brs, int bcs, float[] c, int cOff, int ldc) {
    int nc = Math.min(NC, n);
    float[][] panel = new float[Math.min(KC, k)][nc];
    float[] t0 = new float[nc];
    float[] t1 = new float[nc];
    float[] t2 = new float[nc];
    float[] t3 = new float[nc];
    for (int j0 = 0; j0 < n; j0 += NC) {
      int nb = Math.min(NC, n - j0);
      for (int p0 = 0; p0 < k; p0 += KC) {
        int kb = Math.min(KC, k - p0);
        pack(b, bOff + p0 * brs + j0 * bcs, brs, bcs, kb, nb, panel);
        int i = 0;
        for (; i + 4 <= m; i += 4) {
          int c0 = cOff + i * ldc + j0;
          System.arraycopy(c, c0, t0, 0, nb);
          System.arraycopy(c, c0 + ldc, t1, 0, nb);
          System.arraycopy(c, c0 + 2 * ldc, t2, 0, nb);
          System.arraycopy(c, c0 + 3 * ldc, t3, 0, nb);
          rows4(kb, nb, a, aOff + i * ars + p0 * acs, ars, acs, panel, t0, t1, t2, t3);
          System.arraycopy(t0, 0, c, c0, nb);
          System.arraycopy(t1, 0, c, c0 + ldc, nb);
          System.arraycopy(t2, 0, c, c0 + 2 * ldc, nb);
          System.arraycopy(t3, 0, c, c0 + 3 * ldc, nb);
        }
        for (; i < m; i++) {
          int c0 = cOff + i * ldc + j0;
          System.arraycopy(c, c0, t0, 0, nb);
          row1(kb, nb, a, aOff + i * ars + p0 * acs, acs, panel, t0);
          System.arraycopy(t0, 0, c, c0, nb);
        }
      }
    }
  }

  /** Rows 0..kb of the panel = the kb × nb block of B at {@code from}. */
  private static void pack(float[] b, int from, int brs, int bcs, int kb, int nb, float[][] panel) {
    if (bcs == 1) {
      for (int p = 0; p < kb; p++) {
        System.arraycopy(b, from + p * brs, panel[p], 0, nb);
      }
    } else {
      // B is stored transposed (brs = 1): four panel rows at a time, so that each strided read
      // of a row of b is four adjacent elements.
      int p = 0;
      for (; p + 4 <= kb; p += 4) {
        float[] r0 = panel[p];
        float[] r1 = panel[p + 1];
        float[] r2 = panel[p + 2];
        float[] r3 = panel[p + 3];
        int src = from + p * brs;
        for (int j = 0; j < nb; j++) {
          int at = src + j * bcs;
          r0[j] = b[at];
          r1[j] = b[at + brs];
          r2[j] = b[at + 2 * brs];
          r3[j] = b[at + 3 * brs];
        }
      }
      for (; p < kb; p++) {
        float[] row = panel[p];
        int src = from + p * brs;
        for (int j = 0; j < nb; j++) {
          row[j] = b[src + j * bcs];
        }
      }
    }
  }

  /** Four rows of C (t0..t3) += their four rows of A (from ai) · the panel. */
  private static void rows4(int kb, int nb, float[] a, int ai, int ars, int acs, float[][] panel,
      float[] t0, float[] t1, float[] t2, float[] t3) {
    int p = 0;
    for (; p + 4 <= kb; p += 4) {
      int ap = ai + p * acs;
      float a00 = a[ap];
      float a01 = a[ap + acs];
      float a02 = a[ap + 2 * acs];
      float a03 = a[ap + 3 * acs];
      ap += ars;
      float a10 = a[ap];
      float a11 = a[ap + acs];
      float a12 = a[ap + 2 * acs];
      float a13 = a[ap + 3 * acs];
      ap += ars;
      float a20 = a[ap];
      float a21 = a[ap + acs];
      float a22 = a[ap + 2 * acs];
      float a23 = a[ap + 3 * acs];
      ap += ars;
      float a30 = a[ap];
      float a31 = a[ap + acs];
      float a32 = a[ap + 2 * acs];
      float a33 = a[ap + 3 * acs];
      float[] r0 = panel[p];
      float[] r1 = panel[p + 1];
      float[] r2 = panel[p + 2];
      float[] r3 = panel[p + 3];
      for (int j = 0; j < nb; j++) {
        float v0 = r0[j];
        float v1 = r1[j];
        float v2 = r2[j];
        float v3 = r3[j];
        t0[j] = Math.fma(a03, v3, Math.fma(a02, v2, Math.fma(a01, v1, Math.fma(a00, v0, t0[j]))));
        t1[j] = Math.fma(a13, v3, Math.fma(a12, v2, Math.fma(a11, v1, Math.fma(a10, v0, t1[j]))));
        t2[j] = Math.fma(a23, v3, Math.fma(a22, v2, Math.fma(a21, v1, Math.fma(a20, v0, t2[j]))));
        t3[j] = Math.fma(a33, v3, Math.fma(a32, v2, Math.fma(a31, v1, Math.fma(a30, v0, t3[j]))));
      }
    }
    for (; p < kb; p++) {
      int ap = ai + p * acs;
      float a0 = a[ap];
      float a1 = a[ap + ars];
      float a2 = a[ap + 2 * ars];
      float a3 = a[ap + 3 * ars];
      float[] r = panel[p];
      for (int j = 0; j < nb; j++) {
        float v = r[j];
        t0[j] = Math.fma(a0, v, t0[j]);
        t1[j] = Math.fma(a1, v, t1[j]);
        t2[j] = Math.fma(a2, v, t2[j]);
        t3[j] = Math.fma(a3, v, t3[j]);
      }
    }
  }

  /** One row of C (t0) += its row of A (from ai) · the panel. */
  private static void row1(int kb, int nb, float[] a, int ai, int acs, float[][] panel, float[] t0) {
    int p = 0;
    for (; p + 4 <= kb; p += 4) {
      int ap = ai + p * acs;
      float a0 = a[ap];
      float a1 = a[ap + acs];
      float a2 = a[ap + 2 * acs];
      float a3 = a[ap + 3 * acs];
      float[] r0 = panel[p];
      float[] r1 = panel[p + 1];
      float[] r2 = panel[p + 2];
      float[] r3 = panel[p + 3];
      for (int j = 0; j < nb; j++) {
        t0[j] = Math.fma(a3, r3[j], Math.fma(a2, r2[j], Math.fma(a1, r1[j], Math.fma(a0, r0[j], t0[j]))));
      }
    }
    for (; p < kb; p++) {
      float av = a[ai + p * acs];
      float[] r = panel[p];
      for (int j = 0; j < nb; j++) {
        t0[j] = Math.fma(av, r[j], t0[j]);
      }
    }
  }
}

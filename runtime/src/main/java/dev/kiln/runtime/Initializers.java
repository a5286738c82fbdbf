package dev.kiln.runtime;

import java.util.Locale;
import java.util.random.RandomGenerator;

/** Fills variables with their initial values. */
public final class Initializers {
  private Initializers() {}

  /**
   * Fills {@code v} (f32 or f64) in place.
   *
   * <p>{@code kind} is one of {@code constant(value)}, {@code zeros}, {@code ones},
   * {@code truncatedNormal(mean, stddev)} (draws beyond two standard deviations are redrawn),
   * {@code randomNormal(mean, stddev)}, {@code randomUniform(min, max)} and {@code glorotUniform}
   * (uniform in ±sqrt(6 / (fanIn + fanOut)); for rank ≥ 2 fanIn and fanOut are the last two
   * dimensions, each times the product of the leading ones as in TensorFlow's convolution kernels;
   * for rank 1 both are the length; for a scalar both are 1). Names are matched ignoring case and
   * underscores ({@code truncated_normal} works too). Missing arguments take the defaults mean 0,
   * stddev 1, min 0, max 1, value 0.
   *
   * @throws IllegalArgumentException for an unknown kind or an unsupported dtype
   */
  public static void fill(NDArray v, String kind, double[] args, RandomGenerator rng) {
    if (!v.dtype().isFloating()) {
      throw new IllegalArgumentException(
          "initializer '" + kind + "' fills f32, f64, f16 or bf16 variables, not " + v.shapeString());
    }
    double[] a = args == null ? new double[0] : args;
    String k = kind == null ? "" : kind.replace("_", "").toLowerCase(Locale.ROOT);
    switch (k) {
      case "constant" -> constant(v, arg(a, 0, 0));
      case "zeros" -> constant(v, 0);
      case "ones" -> constant(v, 1);
      case "truncatednormal" -> {
        double mean = arg(a, 0, 0), std = arg(a, 1, 1);
        checkSpread(kind, std);
        for (int i = 0; i < v.size(); i++) {
          double z;
          do {
            z = rng.nextGaussian();
          } while (Math.abs(z) > 2.0);
          set(v, i, mean + std * z);
        }
      }
      case "randomnormal" -> {
        double mean = arg(a, 0, 0), std = arg(a, 1, 1);
        checkSpread(kind, std);
        for (int i = 0; i < v.size(); i++) set(v, i, mean + std * rng.nextGaussian());
      }
      case "randomuniform" -> uniform(v, arg(a, 0, 0), arg(a, 1, 1), rng);
      case "glorotuniform" -> {
        int[] s = v.shape();
        double fanIn, fanOut;
        if (s.length == 0) {
          fanIn = fanOut = 1;
        } else if (s.length == 1) {
          fanIn = fanOut = s[0];
        } else {
          double receptive = 1;
          for (int i = 0; i < s.length - 2; i++) receptive *= s[i];
          fanIn = s[s.length - 2] * receptive;
          fanOut = s[s.length - 1] * receptive;
        }
        double limit = fanIn + fanOut == 0 ? 0 : Math.sqrt(6.0 / (fanIn + fanOut));
        uniform(v, -limit, limit, rng);
      }
      default -> throw new IllegalArgumentException(
          "unknown initializer '" + kind + "'; expected constant, zeros, ones, truncatedNormal,"
              + " randomNormal, randomUniform or glorotUniform");
    }
  }

  private static double arg(double[] a, int i, double dflt) {
    return i < a.length ? a[i] : dflt;
  }

  private static void checkSpread(String kind, double std) {
    if (!(std >= 0) || Double.isInfinite(std)) {
      throw new IllegalArgumentException(
          "initializer '" + kind + "' needs a non-negative standard deviation, got " + std);
    }
  }

  private static void constant(NDArray v, double c) {
    for (int i = 0; i < v.size(); i++) {
      set(v, i, c);
    }
  }

  private static void uniform(NDArray v, double min, double max, RandomGenerator rng) {
    if (!(min <= max)) {
      throw new IllegalArgumentException(
          "initializer randomUniform needs min <= max, got [" + min + ", " + max + ")");
    }
    for (int i = 0; i < v.size(); i++) {
      set(v, i, min == max ? min : min + (max - min) * rng.nextDouble());
    }
  }

  /** Stores a draw; f16 and bf16 round it through f32, as a cast of an f32 value would. */
  private static void set(NDArray v, int i, double x) {
    switch (v.dtype()) {
      case F32 -> v.floats()[i] = (float) x;
      case F16 -> v.shorts()[i] = Float.floatToFloat16((float) x);
      case BF16 -> v.shorts()[i] = BFloat16.fromFloat((float) x);
      default -> v.doubles()[i] = x;
    }
  }
}

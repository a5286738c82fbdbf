package dev.kiln.summaries;

import dev.kiln.summaries.proto.HistogramProto;
import java.util.Arrays;

/**
 * TensorBoard's histogram layout (TensorFlow's {@code histogram::Histogram}): bucket limits
 * ±1e-12 × 1.1^k up to 1e20, 0 between them and ±DBL_MAX at the ends; a value v falls in the
 * first bucket whose limit is greater than v. Runs of empty buckets are collapsed into one, as
 * TensorFlow encodes them.
 */
public final class Histograms {
  private Histograms() {}

  /** The default bucket limits, ascending (1,549 of them). */
  static final double[] LIMITS = defaultLimits();

  private static double[] defaultLimits() {
    java.util.List<Double> pos = new java.util.ArrayList<>();
    for (double v = 1.0e-12; v < 1.0e20; v *= 1.1) {
      pos.add(v);
    }
    pos.add(Double.MAX_VALUE);
    double[] limits = new double[pos.size() * 2 + 1];
    for (int i = 0; i < pos.size(); i++) {
      limits[pos.size() - 1 - i] = -pos.get(i);
      limits[pos.size() + 1 + i] = pos.get(i);
    }
    limits[pos.size()] = 0.0;
    return limits;
  }

  /** The histogram of {@code values}; NaNs are left out (they belong to no bucket). */
  public static HistogramProto of(double[] values) {
    double[] counts = new double[LIMITS.length];
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    double num = 0;
    double sum = 0;
    double sumSquares = 0;
    for (double v : values) {
      if (Double.isNaN(v)) {
        continue;
      }
      counts[bucket(v)]++;
      min = Math.min(min, v);
      max = Math.max(max, v);
      num++;
      sum += v;
      sumSquares += v * v;
    }
    HistogramProto.Builder h = HistogramProto.newBuilder()
        .setMin(min).setMax(max).setNum(num).setSum(sum).setSumSquares(sumSquares);
    for (int i = 0; i < counts.length; ) {
      double end = LIMITS[i];
      double count = counts[i];
      i++;
      if (count <= 0) {
        while (i < counts.length && counts[i] <= 0) {
          end = LIMITS[i];
          count = counts[i];
          i++;
        }
      }
      h.addBucketLimit(end).addBucket(count);
    }
    return h.build();
  }

  public static HistogramProto of(float[] values) {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i];
    }
    return of(d);
  }

  /** Index of the first limit greater than v (the last bucket takes everything above). */
  static int bucket(double v) {
    int i = Arrays.binarySearch(LIMITS, 0, LIMITS.length - 1, v);
    // Found: v equals a limit, so it belongs to the next bucket (limits are exclusive upper ends).
    return i >= 0 ? i + 1 : -i - 1;
  }
}

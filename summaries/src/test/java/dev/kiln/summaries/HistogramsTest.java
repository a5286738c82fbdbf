package dev.kiln.summaries;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.summaries.proto.HistogramProto;
import org.junit.jupiter.api.Test;

class HistogramsTest {
  @Test
  void defaultLimitsFollowTensorFlowsLayout() {
    double[] l = Histograms.LIMITS;
    // 1e-12 * 1.1^k below 1e20 for k = 0..773, then DBL_MAX: 775 positive limits, their
    // negatives, and 0.
    assertEquals(1551, l.length);
    assertEquals(0.0, l[775]);
    assertEquals(1e-12, l[776]);
    assertEquals(1.1e-12, l[777], 1e-24);
    assertEquals(-1e-12, l[774]);
    assertEquals(Double.MAX_VALUE, l[l.length - 1]);
    assertEquals(-Double.MAX_VALUE, l[0]);
  }

  @Test
  void knownDataFallsInTheRightBucketsAndEmptyRunsCollapse() {
    HistogramProto h = Histograms.of(new double[] {0.0, 1.0, 1.0, -1.0});
    assertEquals(-1.0, h.getMin());
    assertEquals(1.0, h.getMax());
    assertEquals(4.0, h.getNum());
    assertEquals(1.0, h.getSum());
    assertEquals(3.0, h.getSumSquares());
    // -1 lies in the bucket whose limit is the first one above -1; 0 in (0, 1e-12]; 1 likewise.
    int minusOne = Histograms.bucket(-1.0);
    int zero = Histograms.bucket(0.0);
    int one = Histograms.bucket(1.0);
    assertEquals(776, zero); // the bucket (0, 1e-12]
    double[] l = Histograms.LIMITS;
    assertEquals(true, l[minusOne - 1] <= -1.0 && -1.0 < l[minusOne]);
    assertEquals(true, l[one - 1] <= 1.0 && 1.0 < l[one]);
    // Buckets: empties up to -1's, -1's, empties, 0's, empties, 1's, empties to DBL_MAX.
    assertEquals(7, h.getBucketCount());
    assertEquals(java.util.List.of(0.0, 1.0, 0.0, 1.0, 0.0, 2.0, 0.0), h.getBucketList());
    assertEquals(l[minusOne - 1], h.getBucketLimit(0));
    assertEquals(l[minusOne], h.getBucketLimit(1));
    assertEquals(l[zero], h.getBucketLimit(3));
    assertEquals(l[one], h.getBucketLimit(5));
    assertEquals(Double.MAX_VALUE, h.getBucketLimit(6));
  }

  @Test
  void anEmptyHistogramStillHasOneBucket() {
    HistogramProto h = Histograms.of(new double[0]);
    assertEquals(1, h.getBucketCount());
    assertEquals(Double.MAX_VALUE, h.getBucketLimit(0));
    assertEquals(0.0, h.getNum());
  }
}

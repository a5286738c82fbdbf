package dev.kiln.runtime.data;

import dev.kiln.runtime.NDArray;

/**
 * A binary-classification view of a one-hot dataset (logistic regression on two digits, say):
 * the examples of two classes, relabelled f32 [n, 1] with 1 for the positive class and 0 for the
 * negative one.
 */
public final class TwoClasses {
  private TwoClasses() {}

  /** The examples of {@code negative} and {@code positive}, in their original order. */
  public static Dataset of(Dataset d, int negative, int positive) {
    if (negative == positive || negative < 0 || positive < 0 || negative >= d.classes() || positive >= d.classes()) {
      throw new IllegalArgumentException("two different classes of 0.." + (d.classes() - 1)
          + " are needed, got " + negative + " and " + positive);
    }
    int n = 0;
    for (int i = 0; i < d.size(); i++) {
      int c = d.label(i);
      if (c == negative || c == positive) {
        n++;
      }
    }
    int[] picked = new int[n];
    float[] labels = new float[n];
    int k = 0;
    for (int i = 0; i < d.size(); i++) {
      int c = d.label(i);
      if (c == negative || c == positive) {
        labels[k] = c == positive ? 1f : 0f;
        picked[k++] = i;
      }
    }
    return new Dataset(NDArray.gatherRows(d.images(), picked), NDArray.of(labels, n, 1));
  }
}

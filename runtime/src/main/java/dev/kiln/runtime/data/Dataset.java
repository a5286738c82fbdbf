package dev.kiln.runtime.data;

import dev.kiln.dsl.DType;
import dev.kiln.runtime.NDArray;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** Labelled examples in memory: images f32 [n, features] and one-hot labels f32 [n, classes]. */
public final class Dataset {
  private final NDArray images;
  private final NDArray labels;

  public Dataset(NDArray images, NDArray labels) {
    if (images.dtype() != DType.F32 || images.rank() != 2) {
      throw new IllegalArgumentException("dataset images must be f32[n, features], got " + images.shapeString());
    }
    if (labels.dtype() != DType.F32 || labels.rank() != 2) {
      throw new IllegalArgumentException("dataset labels must be f32[n, classes], got " + labels.shapeString());
    }
    if (images.dim(0) != labels.dim(0)) {
      throw new IllegalArgumentException(
          "dataset has " + images.dim(0) + " images but " + labels.dim(0) + " labels");
    }
    this.images = images;
    this.labels = labels;
  }

  /** All images, f32 [n, features] (shared, not copied). */
  public NDArray images() {
    return images;
  }

  /** All labels, one-hot f32 [n, classes] (shared, not copied). */
  public NDArray labels() {
    return labels;
  }

  public int size() {
    return images.dim(0);
  }

  public int features() {
    return images.dim(1);
  }

  public int classes() {
    return labels.dim(1);
  }

  /** The class index of example {@code i} (the position of the largest label entry). */
  public int label(int i) {
    float[] l = labels.floats();
    int c = classes();
    int best = 0;
    for (int j = 1; j < c; j++) if (l[i * c + j] > l[i * c + best]) best = j;
    return best;
  }

  /** The first {@code firstN} examples and the rest, as two new datasets. */
  public Dataset[] split(int firstN) {
    if (firstN < 0 || firstN > size()) {
      throw new IllegalArgumentException(
          "cannot split off " + firstN + " examples from a dataset of " + size());
    }
    return new Dataset[] {
      new Dataset(images.rows(0, firstN), labels.rows(0, firstN)),
      new Dataset(images.rows(firstN, size()), labels.rows(firstN, size()))
    };
  }

  /** The examples at the given positions, in that order. */
  public Dataset subset(int[] indices) {
    return new Dataset(NDArray.gatherRows(images, indices), NDArray.gatherRows(labels, indices));
  }

  /** A copy in an order drawn from {@code seed} (the same seed gives the same order). */
  public Dataset shuffled(long seed) {
    return subset(permutation(size(), new SplittableRandom(seed)));
  }

  static int[] permutation(int n, RandomGenerator rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /**
   * One epoch per iteration: each call to {@code iterator()} draws a new order from {@code rng}
   * and yields batches of {@code batchSize}, the last one smaller when the size is not a multiple.
   */
  public Iterable<Batch> batches(int batchSize, RandomGenerator rng) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    return () -> new Iterator<>() {
      final int[] order = permutation(size(), rng);
      int next = 0;

      @Override
      public boolean hasNext() {
        return next < order.length;
      }

      @Override
      public Batch next() {
        if (!hasNext()) throw new NoSuchElementException();
        int end = Math.min(next + batchSize, order.length);
        int[] idx = java.util.Arrays.copyOfRange(order, next, end);
        next = end;
        return new Batch(NDArray.gatherRows(images, idx), NDArray.gatherRows(labels, idx));
      }
    };
  }

  /** The number of batches of {@code batchSize} in one epoch. */
  public int batchCount(int batchSize) {
    return (size() + batchSize - 1) / batchSize;
  }

  static NDArray oneHot(int[] classes, int classCount) {
    float[] l = new float[classes.length * classCount];
    for (int i = 0; i < classes.length; i++) l[i * classCount + classes[i]] = 1f;
    return NDArray.of(l, classes.length, classCount);
  }

  @Override
  public String toString() {
    return "Dataset(" + size() + " examples, " + features() + " features, " + classes() + " classes)";
  }
}

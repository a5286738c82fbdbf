package dev.kiln.summaries;

import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Summaries;
import dev.kiln.summaries.proto.Summary;

/** Turns a model's fetched {@link Summaries} into one {@link Summary} message. */
public final class SummaryProtos {
  private SummaryProtos() {}

  /** Images written per image summary at most, as TensorFlow's {@code max_outputs} default. */
  public static final int MAX_IMAGES = 3;

  public static Summary of(Summaries summaries) {
    Summary.Builder s = Summary.newBuilder();
    summaries.values().forEach((tag, value) -> {
      switch (summaries.kinds().get(tag)) {
        case SCALAR -> s.addValue(scalar(tag, value));
        case HISTOGRAM -> s.addValue(Summary.Value.newBuilder().setTag(tag)
            .setHisto(Histograms.of(doubles(value))));
        case IMAGE -> images(s, tag, value);
      }
    });
    return s.build();
  }

  static Summary.Value scalar(String tag, NDArray value) {
    if (value.size() != 1) {
      throw new IllegalArgumentException("the scalar summary " + tag
          + " needs a tensor of one element, but found shape " + value.shapeString());
    }
    return Summary.Value.newBuilder().setTag(tag).setSimpleValue((float) value.elementAsDouble(0)).build();
  }

  /**
   * {@code [h, w]}, {@code [h, w, c]} or {@code [n, h, w, c]}: the first {@link #MAX_IMAGES}
   * images, tagged {@code tag/image/i} when there are several and {@code tag/image} otherwise.
   */
  static void images(Summary.Builder s, String tag, NDArray value) {
    int[] shape = value.shape();
    int n;
    int h;
    int w;
    int c;
    switch (shape.length) {
      case 2 -> { n = 1; h = shape[0]; w = shape[1]; c = 1; }
      case 3 -> { n = 1; h = shape[0]; w = shape[1]; c = shape[2]; }
      case 4 -> { n = shape[0]; h = shape[1]; w = shape[2]; c = shape[3]; }
      default -> throw new IllegalArgumentException("the image summary " + tag
          + " needs shape [h, w], [h, w, c] or [n, h, w, c], but found " + value.shapeString());
    }
    double[] data = doubles(value);
    int count = Math.min(n, MAX_IMAGES);
    for (int i = 0; i < count; i++) {
      s.addValue(Summary.Value.newBuilder()
          .setTag(count == 1 ? tag + "/image" : tag + "/image/" + i)
          .setImage(Images.png(data, i * h * w * c, h, w, c)));
    }
  }

  static double[] doubles(NDArray a) {
    double[] d = new double[a.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = a.elementAsDouble(i);
    }
    return d;
  }
}

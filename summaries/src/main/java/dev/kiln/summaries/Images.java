package dev.kiln.summaries;

import dev.kiln.summaries.proto.Summary;
import com.google.protobuf.ByteString;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Encodes float pixels in 0..1 (clipped) as PNG images: channels 1 (grayscale), 3 (RGB) or 4
 * (RGBA), row-major {@code [h, w, c]}.
 */
public final class Images {
  private Images() {}

  /** The PNG image of the pixels at {@code data[offset ...]}, shaped {@code [h, w, c]}. */
  public static Summary.Image png(double[] data, int offset, int height, int width, int channels) {
    int type = switch (channels) {
      case 1 -> BufferedImage.TYPE_BYTE_GRAY;
      case 3 -> BufferedImage.TYPE_INT_RGB;
      case 4 -> BufferedImage.TYPE_INT_ARGB;
      default -> throw new IllegalArgumentException(
          "an image summary needs 1, 3 or 4 channels, but found " + channels);
    };
    BufferedImage img = new BufferedImage(width, height, type);
    var raster = img.getRaster();
    int[] pixel = new int[channels];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int base = offset + (y * width + x) * channels;
        for (int c = 0; c < channels; c++) {
          double v = data[base + c];
          pixel[c] = Double.isNaN(v) ? 0 : (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
        }
        raster.setPixel(x, y, pixel);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Summary.Image.newBuilder()
        .setHeight(height).setWidth(width).setColorspace(channels)
        .setEncodedImageString(ByteString.copyFrom(out.toByteArray()))
        .build();
  }
}

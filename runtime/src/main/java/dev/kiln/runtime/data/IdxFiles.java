package dev.kiln.runtime.data;

import dev.kiln.runtime.NDArray;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the idx format of MNIST, Fashion-MNIST and their kin (plain or gzipped, detected by the
 * gzip magic {@code 1f 8b}): an images file (magic {@code 0x00000803}: unsigned bytes, three
 * dimensions n × rows × cols) and a labels file (magic {@code 0x00000801}: n unsigned bytes).
 */
public final class IdxFiles {
  private IdxFiles() {}

  /**
   * Loads an images file and its labels file.
   *
   * @return images f32 [n, rows × cols] scaled to 0..1 and one-hot labels f32 [n, classes]
   * @throws IOException naming the file and what is wrong (magic number, sizes, a label out of range)
   */
  public static Dataset load(Path images, Path labels, int classes) throws IOException {
    if (classes <= 0) throw new IllegalArgumentException("classes must be positive, got " + classes);
    byte[] img = read(images);
    byte[] lab = read(labels);
    checkMagic(images, img, 0x00000803, "an idx images file (unsigned bytes, 3 dimensions)");
    checkMagic(labels, lab, 0x00000801, "an idx labels file (unsigned bytes, 1 dimension)");
    if (img.length < 16) throw new IOException(images + " is truncated: it has no complete idx header");
    int n = int32(img, 4), rows = int32(img, 8), cols = int32(img, 12);
    if (n < 0 || rows <= 0 || cols <= 0) {
      throw new IOException(images + " has invalid dimensions " + n + " × " + rows + " × " + cols);
    }
    long expected = 16L + (long) n * rows * cols;
    if (img.length != expected) {
      throw new IOException(
          images + " should hold " + expected + " bytes for " + n + " images of " + rows + " × " + cols
              + ", but has " + img.length);
    }
    int m = int32(lab, 4);
    if (lab.length != 8L + m || m < 0) {
      throw new IOException(
          labels + " should hold " + (8L + m) + " bytes for " + m + " labels, but has " + lab.length);
    }
    if (m != n) {
      throw new IOException(images + " has " + n + " images but " + labels + " has " + m + " labels");
    }
    int features = rows * cols;
    float[] x = new float[n * features];
    for (int i = 0; i < x.length; i++) x[i] = (img[16 + i] & 0xff) / 255f;
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = lab[8 + i] & 0xff;
      if (y[i] >= classes) {
        throw new IOException(labels + " has label " + y[i] + " at position " + i + ", but there are " + classes + " classes");
      }
    }
    return new Dataset(NDArray.of(x, n, features), Dataset.oneHot(y, classes));
  }

  private static byte[] read(Path file) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
      raw.mark(2);
      int b0 = raw.read(), b1 = raw.read();
      raw.reset();
      InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
      return in.readAllBytes();
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      throw new IOException(file + " is a damaged gzip file: " + e.getMessage(), e);
    }
  }

  private static void checkMagic(Path file, byte[] b, int magic, String what) throws IOException {
    if (b.length < 4) throw new IOException(file + " is truncated: it has " + b.length + " bytes, not " + what);
    int found = int32(b, 0);
    if (found != magic) {
      throw new IOException(String.format(
          "%s is not %s: its magic number is 0x%08x, expected 0x%08x", file, what, found, magic));
    }
  }

  private static int int32(byte[] b, int off) {
    return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
  }
}

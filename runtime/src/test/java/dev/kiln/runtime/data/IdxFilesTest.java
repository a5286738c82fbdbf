package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFilesTest {
  @TempDir Path dir;

  private static byte[] images(int n, int rows, int cols) {
    ByteBuffer b = ByteBuffer.allocate(16 + n * rows * cols);
    b.putInt(0x803).putInt(n).putInt(rows).putInt(cols);
    for (int i = 0; i < n * rows * cols; i++) b.put((byte) (i * 37));
    return b.array();
  }

  private static byte[] labels(int... y) {
    ByteBuffer b = ByteBuffer.allocate(8 + y.length);
    b.putInt(0x801).putInt(y.length);
    for (int v : y) b.put((byte) v);
    return b.array();
  }

  private Path write(String name, byte[] data, boolean gzip) throws IOException {
    Path f = dir.resolve(name);
    try (OutputStream o = gzip ? new GZIPOutputStream(Files.newOutputStream(f)) : Files.newOutputStream(f)) {
      o.write(data);
    }
    return f;
  }

  @Test
  void loadsPlainAndGzippedFiles() throws IOException {
    for (boolean gz : new boolean[] {false, true}) {
      Path x = write("x" + gz, images(3, 2, 2), gz);
      Path y = write("y" + gz, labels(2, 0, 4), gz);
      Dataset d = IdxFiles.load(x, y, 5);
      assertEquals(3, d.size());
      assertEquals(4, d.features());
      assertEquals(5, d.classes());
      assertEquals(2, d.label(0));
      assertEquals(4, d.label(2));
      assertEquals(((5 * 37) & 0xff) / 255f, d.images().getFloat(1, 1));
      assertEquals(0f, d.images().getFloat(0, 0));
      assertEquals(1f, d.labels().getFloat(1, 0));
    }
  }

  @Test
  void validationErrors() throws IOException {
    Path x = write("x", images(3, 2, 2), false);
    Path y = write("y", labels(2, 0, 4), false);
    var e = assertThrows(IOException.class, () -> IdxFiles.load(y, x, 5));
    assertEquals(y + " is not an idx images file (unsigned bytes, 3 dimensions): its magic number is 0x00000801,"
        + " expected 0x00000803", e.getMessage());
    Path cut = write("cut", Arrays.copyOf(images(3, 2, 2), 20), true);
    e = assertThrows(IOException.class, () -> IdxFiles.load(cut, y, 5));
    assertEquals(cut + " should hold 28 bytes for 3 images of 2 × 2, but has 20", e.getMessage());
    Path two = write("two", labels(1, 1), false);
    e = assertThrows(IOException.class, () -> IdxFiles.load(x, two, 5));
    assertEquals(x + " has 3 images but " + two + " has 2 labels", e.getMessage());
    e = assertThrows(IOException.class, () -> IdxFiles.load(x, y, 4));
    assertEquals(y + " has label 4 at position 2, but there are 4 classes", e.getMessage());
    Path brokenGz = dir.resolve("broken.gz");
    byte[] gz = Files.readAllBytes(write("g", images(3, 2, 2), true));
    Files.write(brokenGz, Arrays.copyOf(gz, gz.length - 10));
    e = assertThrows(IOException.class, () -> IdxFiles.load(brokenGz, y, 5));
    assertTrue(e.getMessage().startsWith(brokenGz + " is a damaged gzip file"), e.getMessage());
  }

  @Test
  void fashionMnistFromDebianWhenInstalled() throws IOException {
    Path root = Path.of("/usr/share/datasets/fashion-mnist");
    Path x = root.resolve("t10k-images-idx3-ubyte.gz");
    Path y = root.resolve("t10k-labels-idx1-ubyte.gz");
    Assumptions.assumeTrue(Files.isRegularFile(x) && Files.isRegularFile(y),
        "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    Dataset d = IdxFiles.load(x, y, 10);
    assertEquals(10_000, d.size());
    assertEquals(784, d.features());
    int[] counts = new int[10];
    for (int i = 0; i < d.size(); i++) counts[d.label(i)]++;
    for (int c : counts) assertEquals(1000, c); // the test set is balanced
    float max = 0;
    for (float v : d.images().floats()) max = Math.max(max, v);
    assertEquals(1f, max);
  }
}

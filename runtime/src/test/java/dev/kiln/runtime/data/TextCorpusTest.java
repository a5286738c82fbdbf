package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TextCorpusTest {
  private final TextCorpus corpus = TextCorpus.of("call me ishmael—some years ago");

  @Test
  void vocabularyIsTheSortedDistinctCharactersAndRoundTrips() {
    assertEquals(corpus.text().codePoints().distinct().count(), corpus.vocabularySize());
    assertEquals(corpus.text(), corpus.decode(corpus.tokens()));
    assertTrue(corpus.encode(' ') < corpus.encode('a'));
    var e = assertThrows(IllegalArgumentException.class, () -> corpus.encode('Z'));
    assertTrue(e.getMessage().contains("'Z'"), e.getMessage());
  }

  @Test
  void targetsAreTheNextCharacterAtEveryPosition() {
    for (SequenceBatch b : corpus.batches(3, 5, new SplittableRandom(1))) {
      int[] in = b.inputs().ints();
      int[] target = b.targets().ints();
      assertArrayEquals(new int[] {b.size(), 5}, b.inputs().shape());
      for (int i = 0; i < b.size(); i++) {
        int start = corpus.text().indexOf(corpus.decode(java.util.Arrays.copyOfRange(in, i * 5, i * 5 + 5)));
        assertTrue(start >= 0);
        assertEquals(corpus.decode(java.util.Arrays.copyOfRange(target, i * 5, i * 5 + 5)),
            corpus.text().substring(start + 1, start + 6));
      }
    }
  }

  @Test
  void sequentialBatchesCoverTheTextInOrderAndSplitKeepsTheVocabulary() {
    var batches = corpus.sequentialBatches(2, 4);
    int windows = batches.stream().mapToInt(SequenceBatch::size).sum();
    assertEquals((corpus.length() - 1) / 4, windows);
    assertEquals("call", corpus.decode(java.util.Arrays.copyOfRange(batches.get(0).inputs().ints(), 0, 4)));

    TextCorpus[] parts = corpus.split(0.5);
    assertEquals(corpus.text(), parts[0].text() + parts[1].text());
    assertEquals(corpus.vocabularySize(), parts[1].vocabularySize());
    assertThrows(IllegalArgumentException.class, () -> corpus.split(1.0));
  }
}

package dev.kiln.samples.lstm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import dev.kiln.runtime.data.TextCorpus;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The compiled LSTM language model on real text: it learns, and it samples from its vocabulary. */
class CharLstmEndToEndTest {
  static TextCorpus corpus;
  static TextCorpus train;
  static TextCorpus heldOut;

  @BeforeAll
  static void loadText() throws IOException {
    corpus = TextCorpus.mobyDick();
    TrainCharLstm.check(corpus);
    TextCorpus[] split = corpus.split(0.9);
    train = split[0];
    // A slice of the held-out tenth keeps the evaluation quick.
    heldOut = split[1].split(0.2)[0];
  }

  @Test
  void heldOutPerplexityFallsFromUniformToBelowTwenty() {
    var model = CharLstmCompiled.create(1);
    double before = TrainCharLstm.perplexity(model, heldOut);
    // An untrained model predicts about uniformly over the 83 characters.
    assertTrue(before > 60 && before < 110, "perplexity before training " + before);
    var adam = model.trainer(Optimizers.adam(0.005f));
    var batches = TrainCharLstm.endless(train, new SplittableRandom(1));
    for (int step = 0; step < 120; step++) {
      var b = batches.next();
      assertTrue(Float.isFinite(adam.step(b.inputs(), b.targets())));
    }
    double after = TrainCharLstm.perplexity(model, heldOut);
    // Measured here: about 12 after 120 steps (a unigram model of English letters scores ~28).
    assertTrue(after < 20, "held-out perplexity " + before + " -> " + after);
  }

  @Test
  void probabilitiesAreDistributionsAndSamplingStaysInTheVocabulary() {
    var model = CharLstmCompiled.create(2);
    int[] window = "Call me Ishmael.".codePoints().map(corpus::encode).toArray();
    NDArray p = model.probabilities(NDArray.of(window, 1, CharLstm.STEPS));
    assertArrayEquals(new int[] {1, CharLstm.STEPS, CharLstm.VOCAB}, p.shape());
    for (int t = 0; t < CharLstm.STEPS; t++) {
      double sum = 0;
      for (int v = 0; v < CharLstm.VOCAB; v++) {
        sum += p.getFloat(0, t, v);
      }
      assertEquals(1.0, sum, 1e-4);
    }
    String text = TrainCharLstm.sample(model, corpus, "Call me Ishmael.", 40, new SplittableRandom(3));
    assertEquals(16 + 40, text.codePointCount(0, text.length()));
    text.codePoints().forEach(corpus::encode);
  }
}

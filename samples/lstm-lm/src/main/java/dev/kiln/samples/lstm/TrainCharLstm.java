package dev.kiln.samples.lstm;

import dev.kiln.runtime.Programs;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import dev.kiln.runtime.data.SequenceBatch;
import dev.kiln.runtime.data.TextCorpus;
import dev.kiln.runtime.data.TrainingProgress;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Trains the compiled {@link CharLstm} on the first 90 % of Moby Dick, reports the perplexity on
 * the last 10 % as it falls, samples a few lines, and saves a checkpoint.
 */
public final class TrainCharLstm {
  static final int BATCH = 32;
  static final int STEPS_PER_ROUND = 250;
  static final int ROUNDS = 6;
  static final long SEED = 7;

  public static void main(String[] args) {
    Programs.run("TrainCharLstm", () -> {
      Path checkpoint = Path.of(args.length > 0 ? args[0] : "target/char-lstm.safetensors");
      TextCorpus corpus = TextCorpus.mobyDick();
      check(corpus);
      TextCorpus[] split = corpus.split(0.9);
      System.out.printf("Moby Dick: %,d characters for training, %,d held out, %d distinct%n",
          split[0].length(), split[1].length(), corpus.vocabularySize());

      var model = CharLstmCompiled.create(SEED);
      var adam = model.trainer(Optimizers.adam(0.005f));
      var rng = new SplittableRandom(SEED);
      Iterator<SequenceBatch> batches = endless(split[0], rng);
      System.out.printf("before training: held-out perplexity %.2f%n", perplexity(model, split[1]));
      long start = System.nanoTime();
      for (int round = 1; round <= ROUNDS; round++) {
        try (var progress = new TrainingProgress("round " + round + "/" + ROUNDS, STEPS_PER_ROUND)) {
          for (int s = 0; s < STEPS_PER_ROUND; s++) {
            SequenceBatch b = batches.next();
            progress.step(adam.step(b.inputs(), b.targets()));
          }
        }
        System.out.printf("after %,d steps: held-out perplexity %.2f%n",
            round * STEPS_PER_ROUND, perplexity(model, split[1]));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("trained %,d steps of %d×%d characters in %.1f s (%.1f ms per step)%n",
          ROUNDS * STEPS_PER_ROUND, BATCH, CharLstm.STEPS, seconds,
          seconds * 1000 / (ROUNDS * STEPS_PER_ROUND));
      String[] seeds = {"Call me Ishmael.", "The whale was se", "Ahab stood upon "};
      for (int i = 0; i < seeds.length; i++) {
        // A generator per line: with one shared seed the lines can fall into the same text.
        System.out.println("> " + sample(model, corpus, seeds[i], 120, new SplittableRandom(SEED + i)));
      }
      model.save(checkpoint);
      System.out.println("checkpoint saved to " + checkpoint.toAbsolutePath());
    });
  }

  static void check(TextCorpus corpus) {
    if (corpus.vocabularySize() != CharLstm.VOCAB) {
      throw new IllegalStateException("the corpus has " + corpus.vocabularySize()
          + " distinct characters, the model is compiled for " + CharLstm.VOCAB);
    }
  }

  static Iterator<SequenceBatch> endless(TextCorpus text, RandomGenerator rng) {
    return new Iterator<>() {
      Iterator<SequenceBatch> epoch = text.batches(BATCH, CharLstm.STEPS, rng).iterator();

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public SequenceBatch next() {
        if (!epoch.hasNext()) {
          epoch = text.batches(BATCH, CharLstm.STEPS, rng).iterator();
        }
        return epoch.next();
      }
    };
  }

  /** e^(mean cross-entropy) over consecutive windows of the held-out text. */
  static double perplexity(CharLstmCompiled model, TextCorpus text) {
    double sum = 0;
    long count = 0;
    for (SequenceBatch b : text.sequentialBatches(256, CharLstm.STEPS)) {
      sum += (double) model.loss(b.inputs(), b.targets()) * b.size();
      count += b.size();
    }
    return Math.exp(sum / count);
  }

  /** Continues {@code seed} (exactly STEPS characters) by sampling one character at a time. */
  static String sample(CharLstmCompiled model, TextCorpus corpus, String seed, int length,
      RandomGenerator rng) {
    int[] window = seed.codePoints().map(corpus::encode).toArray();
    StringBuilder out = new StringBuilder(seed);
    for (int i = 0; i < length; i++) {
      NDArray p = model.probabilities(NDArray.of(window.clone(), 1, CharLstm.STEPS));
      double u = rng.nextDouble();
      int next = CharLstm.VOCAB - 1;
      for (int v = 0; v < CharLstm.VOCAB; v++) {
        u -= p.getFloat(0, CharLstm.STEPS - 1, v);
        if (u <= 0) {
          next = v;
          break;
        }
      }
      System.arraycopy(window, 1, window, 0, window.length - 1);
      window[window.length - 1] = next;
      out.append(corpus.decode(next));
    }
    return out.toString().replace('\n', ' ');
  }
}

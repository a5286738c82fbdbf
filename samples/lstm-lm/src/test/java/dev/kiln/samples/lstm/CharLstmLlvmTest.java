package dev.kiln.samples.lstm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Backend;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import dev.kiln.runtime.data.TextCorpus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The LSTM language model on the LLVM backend ({@code kiln-runtime-llvm} is a test dependency
 * here): gather, slices, concatenations and their gradients all have LLVM kernels, so the facade
 * trains through {@code CharLstm.ll} with the Java backend's losses, and a token outside the
 * vocabulary is the interpreter's sentence rather than a stray memory read.
 */
class CharLstmLlvmTest {
  static TextCorpus train;

  @BeforeAll
  static void loadText() throws IOException {
    train = TextCorpus.mobyDick().split(0.9)[0];
  }

  @Test
  void fiveStepsGiveTheSameLossesOnJavaAndLlvm() {
    List<Float> java = losses(Backend.JAVA);
    List<Float> llvm = losses(Backend.LLVM);
    assertEquals(5, llvm.size());
    for (int i = 0; i < java.size(); i++) {
      float j = java.get(i);
      float l = llvm.get(i);
      assertTrue(Math.abs(j - l) <= 1e-4 * Math.abs(j), "step " + i + ": Java loss " + j + ", LLVM loss " + l);
    }
    assertTrue(llvm.getLast() < llvm.getFirst(), "LLVM losses " + llvm);
  }

  @Test
  void aTokenOutsideTheVocabularyIsReported() {
    var model = CharLstmCompiled.create(3, Backend.LLVM);
    int[] tokens = new int[CharLstm.STEPS];
    tokens[5] = CharLstm.VOCAB + 7;
    var e = assertThrows(IndexOutOfBoundsException.class,
        () -> model.probabilities(NDArray.of(tokens, 1, CharLstm.STEPS)));
    assertEquals("gather: index 90 is out of range for a table of 83 rows", e.getMessage());
    tokens[5] = 4;
    assertEquals(CharLstm.STEPS * CharLstm.VOCAB, model.probabilities(NDArray.of(tokens, 1, CharLstm.STEPS)).size());
  }

  private static List<Float> losses(Backend backend) {
    var model = CharLstmCompiled.create(9, backend);
    var adam = model.trainer(Optimizers.adam(0.005f));
    var batches = TrainCharLstm.endless(train, new SplittableRandom(2));
    List<Float> losses = new ArrayList<>();
    for (int step = 0; step < 5; step++) {
      var b = batches.next();
      losses.add(adam.step(b.inputs(), b.targets()));
    }
    return losses;
  }
}

package dev.kiln.samples.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Optimizers;
import dev.kiln.runtime.Summaries;
import dev.kiln.runtime.data.Batch;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.MnistDigits;
import dev.kiln.summaries.Recorder;
import dev.kiln.summaries.RunReader;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample's summaries: one merged fetch, recorded every N steps, read back as a run. */
class MnistSoftmaxSummariesTest {
  @TempDir Path logdir;

  @Test
  void theMergedFetchReturnsEveryTagAndMatchesTheFetches() throws Exception {
    Dataset d = MnistDigits.load().split(200)[0];
    var model = MnistSoftmaxCompiled.create(2);
    Summaries s = model.summaries(d.images(), d.labels());
    // Tags carry the scopes (method calls) they were declared in.
    assertEquals(List.of("estimates/logits/digits", "estimates/logits/weights", "loss/cross_entropy",
        "accuracy/batch"), List.copyOf(s.values().keySet()));
    assertEquals(Summaries.Kind.IMAGE, s.kinds().get("estimates/logits/digits"));
    assertArrayEquals(new int[] {200, 28, 28, 1}, s.get("estimates/logits/digits").shape());
    assertArrayEquals(new int[] {784, 10}, s.get("estimates/logits/weights").shape());
    assertEquals(model.loss(d.images(), d.labels()), s.get("loss/cross_entropy").floatValue(), 1e-6);
    assertEquals(model.accuracy(d.images(), d.labels()), s.get("accuracy/batch").floatValue(), 1e-6);
  }

  @Test
  void trainingRecordsEveryTenthStepAndTheRunReadsBack() throws Exception {
    Dataset train = MnistDigits.load().split(1_000)[0];
    var model = MnistSoftmaxCompiled.create(3);
    var sgd = model.trainer(Optimizers.sgd(0.5f));
    long step = 0;
    try (Recorder rec = Recorder.create(logdir.resolve("mnist"), 10).graph(MnistSoftmax.class)) {
      for (int epoch = 0; epoch < 3; epoch++) {
        for (Batch b : train.batches(100, new SplittableRandom(epoch))) {
          sgd.step(b.images(), b.labels());
          rec.record(step++, () -> model.summaries(b.images(), b.labels()));
        }
      }
    }
    RunReader.Run run = RunReader.read(logdir).getFirst();
    assertEquals("mnist", run.name());
    assertEquals(List.of(0L, 10L, 20L), run.scalars().get("loss/cross_entropy").stream().map(RunReader.ScalarPoint::step).toList());
    assertTrue(run.scalars().get("loss/cross_entropy").getLast().value() < run.scalars().get("loss/cross_entropy").getFirst().value());
    assertEquals(3, run.histograms().get("estimates/logits/weights").size());
    assertEquals(7840.0, run.histograms().get("estimates/logits/weights").getFirst().histogram().count());
    assertEquals(List.of("estimates/logits/digits/image/0", "estimates/logits/digits/image/1",
        "estimates/logits/digits/image/2"), List.copyOf(run.images().keySet()));
    // The graph JSON sits beside the events too, for the board's entry-point view.
    assertTrue(java.nio.file.Files.readString(run.dir().resolve("MnistSoftmax.graph.json"))
        .contains("\"entryPoints\""));
    var graph = run.graph().orElseThrow();
    assertTrue(graph.getNodeList().stream().anyMatch(n -> n.getName().equals("estimates/logits/MatMul")
        && n.getOp().equals("MatMul") && n.getInputList().equals(List.of("examples", "weights"))));
  }
}

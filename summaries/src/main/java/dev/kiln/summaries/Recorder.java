package dev.kiln.summaries;

import dev.kiln.runtime.Summaries;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.StandardCopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Records a model's summaries every N steps into a run directory:
 *
 * <pre>{@code
 * try (var rec = Recorder.create(Path.of("target/runs/mnist"), 10).graph(MnistSoftmax.class)) {
 *   for (...) {
 *     trainer.step(x, y);
 *     rec.record(step, () -> model.summaries(x, y)); // fetched only on every 10th step
 *   }
 * }
 * }</pre>
 *
 * The summaries are computed by the model's one merged {@code summaries} fetch, so a recorded
 * step costs that fetch and the encoding, and the other steps cost nothing.
 */
public final class Recorder implements Closeable {
  private final EventFileWriter writer;
  private final int everyNSteps;

  private Recorder(EventFileWriter writer, int everyNSteps) {
    this.writer = writer;
    this.everyNSteps = everyNSteps;
  }

  public static Recorder create(Path runDir, int everyNSteps) throws IOException {
    if (everyNSteps < 1) {
      throw new IllegalArgumentException("a recorder needs everyNSteps >= 1, but found " + everyNSteps);
    }
    return new Recorder(EventFileWriter.create(runDir), everyNSteps);
  }

  /** Writes the graph of {@code model} (its class or its facade) as the run's graph. */
  public Recorder graph(Class<?> model) throws IOException {
    String json = GraphDefs.json(model);
    writer.addGraph(GraphDefs.fromJson(json));
    // Kiln Board prefers the graph JSON beside the events: it also names the entry points.
    Path target = writer.file().toAbsolutePath().getParent().resolve(GraphDefs.resourceName(model));
    Path tmp = Files.createTempFile(target.getParent(), ".graph-", ".tmp");
    Files.writeString(tmp, json);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return this;
  }

  /** Whether {@code step} is one to record: 0, N, 2N, ... */
  public boolean due(long step) {
    return step % everyNSteps == 0;
  }

  /** Fetches and writes the summaries when {@code step} is due; returns whether it did. */
  public boolean record(long step, Supplier<Summaries> fetch) throws IOException {
    if (!due(step)) {
      return false;
    }
    write(step, fetch.get());
    return true;
  }

  /** Writes already fetched summaries at {@code step}. */
  public void write(long step, Summaries summaries) throws IOException {
    writer.write(step, SummaryProtos.of(summaries));
  }

  public EventFileWriter writer() {
    return writer;
  }

  public Path file() {
    return writer.file();
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}

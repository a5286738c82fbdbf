package dev.kiln.summaries;

import dev.kiln.summaries.proto.Event;
import dev.kiln.summaries.proto.GraphDef;
import dev.kiln.summaries.proto.Summary;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes one TensorBoard event file, {@code events.out.tfevents.<seconds>.<host>}, in a run
 * directory. The first record is {@code file_version: "brain.Event:2"}. Every event is framed
 * and appended with one write and reaches the file before the call returns, so a reader (Kiln
 * Board, TensorBoard) sees whole records while training runs, and a crash loses at most the
 * record being written (which the reader then skips).
 */
public final class EventFileWriter implements Closeable {
  public static final String FILE_PREFIX = "events.out.tfevents.";
  public static final String FILE_VERSION = "brain.Event:2";

  private final Path file;
  private final FileChannel channel;

  private EventFileWriter(Path file, FileChannel channel) {
    this.file = file;
    this.channel = channel;
  }

  /** A new event file in {@code runDir} (created if missing). */
  public static EventFileWriter create(Path runDir) throws IOException {
    Files.createDirectories(runDir);
    long seconds = System.currentTimeMillis() / 1000;
    String base = FILE_PREFIX + seconds + "." + host();
    for (int attempt = 0; ; attempt++) {
      // Two writers started in one second in one directory get distinct suffixes.
      Path file = runDir.resolve(attempt == 0 ? base : base + "." + attempt);
      try {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
        EventFileWriter w = new EventFileWriter(file, ch);
        w.write(Event.newBuilder().setWallTime(now()).setFileVersion(FILE_VERSION).build());
        return w;
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
  }

  public Path file() {
    return file;
  }

  /** Appends one event. */
  public synchronized void write(Event event) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(TfRecordWriter.frame(event.toByteArray()));
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }

  /** Appends the summary values of one step. */
  public void write(long step, Summary summary) throws IOException {
    write(Event.newBuilder().setWallTime(now()).setStep(step).setSummary(summary).build());
  }

  public void addScalar(String tag, long step, double value) throws IOException {
    write(step, Summary.newBuilder()
        .addValue(Summary.Value.newBuilder().setTag(tag).setSimpleValue((float) value)).build());
  }

  public void addHistogram(String tag, long step, double[] values) throws IOException {
    write(step, Summary.newBuilder()
        .addValue(Summary.Value.newBuilder().setTag(tag).setHisto(Histograms.of(values))).build());
  }

  /** A grayscale, RGB or RGBA image {@code [h, w, channels]} of values in 0..1. */
  public void addImage(String tag, long step, double[] pixels, int height, int width, int channels)
      throws IOException {
    write(step, Summary.newBuilder().addValue(Summary.Value.newBuilder().setTag(tag)
        .setImage(Images.png(pixels, 0, height, width, channels))).build());
  }

  /** The model's graph, shown on TensorBoard's graph tab. */
  public void addGraph(GraphDef graph) throws IOException {
    write(Event.newBuilder().setWallTime(now()).setGraphDef(graph.toByteString()).build());
  }

  /** Forces written records to the storage device (they are already visible to readers). */
  public synchronized void flush() throws IOException {
    channel.force(false);
  }

  @Override
  public synchronized void close() throws IOException {
    if (channel.isOpen()) {
      channel.force(false);
      channel.close();
    }
  }

  static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  private static String host() {
    String h = System.getenv("HOSTNAME");
    if (h == null || h.isBlank()) {
      try {
        h = java.net.InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        h = "localhost";
      }
    }
    return h.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}

package dev.kiln.runtime.data;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar for one epoch: step count, ETA, and the running mean loss as its message.
 * Renders with plain ASCII and a fixed width when there is no interactive terminal (Maven exec
 * output, logs); with {@code -Dkiln.progress=false} it prints only one summary line on close.
 */
public final class TrainingProgress implements AutoCloseable {
  private final String task;
  private final long steps;
  private final PrintStream out;
  private final ProgressBar bar; // null when disabled or unavailable
  private long done;
  private double lossSum;
  private float lastLoss = Float.NaN;
  private final long startNanos = System.nanoTime();
  private boolean closed;

  /** A bar for {@code steps} steps on {@code System.out}. */
  public TrainingProgress(String task, long steps) {
    this(task, steps, System.out);
  }

  public TrainingProgress(String task, long steps, PrintStream out) {
    this.task = task;
    this.steps = steps;
    this.out = out;
    this.bar = Boolean.parseBoolean(System.getProperty("kiln.progress", "true")) ? makeBar(task, steps, out) : null;
  }

  private static ProgressBar makeBar(String task, long steps, PrintStream out) {
    try {
      boolean terminal = interactive();
      return new ProgressBarBuilder()
          .setTaskName(task)
          .setInitialMax(steps)
          .setStyle(terminal ? ProgressBarStyle.UNICODE_BLOCK : ProgressBarStyle.ASCII)
          .setConsumer(new ConsoleProgressBarConsumer(out, 100))
          .setUpdateIntervalMillis(terminal ? 200 : 1000)
          .setUnit(" steps", 1)
          .build();
    } catch (RuntimeException | LinkageError unavailable) {
      return null; // fall back to the summary line
    }
  }

  private static boolean interactive() {
    var console = System.console();
    return console != null && console.isTerminal();
  }

  /** One step done with this loss. */
  public void step(float loss) {
    done++;
    lossSum += loss;
    lastLoss = loss;
    if (bar != null) {
      bar.step();
      bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", meanLoss()));
    }
  }

  /** The mean loss of the steps so far (NaN before the first). */
  public double meanLoss() {
    return done == 0 ? Double.NaN : lossSum / done;
  }

  /** The loss of the latest step. */
  public float lastLoss() {
    return lastLoss;
  }

  /** Steps done so far. */
  public long steps() {
    return done;
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    if (bar != null) {
      bar.close();
    } else {
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      out.printf(Locale.ROOT, "%s: %d/%d steps, mean loss %.4f, %.1f s%n", task, done, steps, meanLoss(), seconds);
    }
  }
}

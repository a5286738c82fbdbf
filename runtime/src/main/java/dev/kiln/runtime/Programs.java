package dev.kiln.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * For a program's {@code main}: runs its body and turns the failures a user can cause or fix — no
 * data, no network, a bad file, a wrong feed — into their one-sentence message on stderr and exit
 * status 1, instead of a stack trace.
 */
public final class Programs {
  private Programs() {}

  /** A program body that may fail with a checked exception. */
  @FunctionalInterface
  public interface Body {
    void run() throws Exception;
  }

  public static void run(String program, Body body) {
    try {
      body.run();
    } catch (IOException | UncheckedIOException | CheckpointException | IllegalArgumentException
        | IllegalStateException e) {
      System.err.println(program + ": " + e.getMessage());
      System.exit(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.err.println(program + ": interrupted");
      System.exit(1);
    } catch (Exception e) {
      // Anything else is a bug: keep the trace, it is what a report needs.
      throw new IllegalStateException(program + " failed", e);
    }
  }
}

package dev.kiln.runtime;

/** A checkpoint could not be restored; the message names the file, the tensor and what differs. */
public final class CheckpointException extends RuntimeException {
  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}

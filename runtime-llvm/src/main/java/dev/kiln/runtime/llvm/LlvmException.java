package dev.kiln.runtime.llvm;

/** A failure of the LLVM backend, with a one-sentence message meant for the user. */
public final class LlvmException extends RuntimeException {
  public LlvmException(String message) {
    super(message);
  }

  public LlvmException(String message, Throwable cause) {
    super(message, cause);
  }
}

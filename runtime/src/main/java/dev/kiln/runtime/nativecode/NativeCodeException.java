package dev.kiln.runtime.nativecode;

/**
 * A failure loading or calling native code (a packaged ahead-of-time library or a JIT-compiled
 * module), with a one-sentence message meant for the user. Not final: kiln-runtime-llvm's
 * {@code LlvmException} extends it for compile errors, so a caller of {@link NativeLibrary#address}
 * catches one type whichever kind of library answers.
 */
public class NativeCodeException extends RuntimeException {
  public NativeCodeException(String message) {
    super(message);
  }

  public NativeCodeException(String message, Throwable cause) {
    super(message, cause);
  }
}

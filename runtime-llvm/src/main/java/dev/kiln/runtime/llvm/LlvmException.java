package dev.kiln.runtime.llvm;

import dev.kiln.runtime.nativecode.NativeCodeException;

/**
 * A failure of LLVM itself (loading its natives, parsing, compiling, JIT linking, ahead-of-time
 * linking), with a one-sentence message meant for the user. A {@link NativeCodeException}, so code
 * that looks symbols up in any {@code NativeLibrary} catches it with the run-time errors.
 */
public final class LlvmException extends NativeCodeException {
  public LlvmException(String message) {
    super(message);
  }

  public LlvmException(String message, Throwable cause) {
    super(message, cause);
  }
}

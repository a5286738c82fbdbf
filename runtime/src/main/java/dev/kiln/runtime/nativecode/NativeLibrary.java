package dev.kiln.runtime.nativecode;

import java.lang.foreign.MemorySegment;

/**
 * Loaded native code that {@link NativeEntry} calls into: a JIT-compiled module (kiln-runtime-llvm's
 * {@code JitModule}) or a packaged ahead-of-time shared library ({@link AotLibrary}). Only this view
 * is needed to run an entry point, so the ahead-of-time path never touches LLVM.
 */
public interface NativeLibrary {
  /** Names the code in error messages. */
  String name();

  /**
   * The address of a function or global.
   *
   * @throws NativeCodeException if the symbol is not defined
   */
  MemorySegment address(String symbol);

  /** Whether the code has been freed, so its addresses are dead. */
  boolean isClosed();
}

package dev.kiln.runtime;

import java.util.List;

/**
 * Build-time service: compiles a model's LLVM IR ahead of time into a shared library for one CPU
 * target. The annotation processor finds it with {@code ServiceLoader} on the processor path when
 * {@code -Akiln.aot=...} is set ({@code kiln-runtime-llvm} registers one), so the processor itself
 * never links LLVM. It lives here, beside {@link NativeCode}, because this is the one module both the
 * processor and {@code kiln-runtime-llvm} depend on.
 */
public interface AotCompiler {
  /** The artifact that provides an implementation, for the processor's error when none is found. */
  String ARTIFACT = "dev.kiln:kiln-runtime-llvm";

  /** The CPU targets this compiler knows, e.g. {@code x86-64-v3}, {@code x86-64-v4}. */
  List<String> targets();

  /**
   * The bytes of an ELF shared library exporting every entry point of {@code irText}, optimised at
   * O3 for {@code target}.
   *
   * @throws IllegalArgumentException if {@code target} is not one of {@link #targets()}
   * @throws RuntimeException with a one-sentence message if compiling or linking fails
   */
  byte[] compile(String moduleName, String irText, String target);
}

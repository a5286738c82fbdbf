package dev.kiln.runtime.llvm;

import dev.kiln.runtime.NativeCode;
import dev.kiln.runtime.nativecode.NativeEntry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link NativeCode} provider generated facades find with {@code ServiceLoader} (registered in
 * {@code META-INF/services}): one process-wide {@link LlvmJit} with the default options (O3, disk
 * cache), and each distinct IR text compiled once and kept loaded for the life of the process, so
 * every instance of a model shares its code. {@code NativeCode.load} asks it only when the model's
 * jar packages no ahead-of-time library for the host (kiln-runtime loads those itself).
 */
public final class LlvmNativeCode implements NativeCode {
  private static final Map<String, JitModule> LOADED = new ConcurrentHashMap<>();
  private static volatile LlvmJit jit;

  /** For {@code ServiceLoader}. */
  public LlvmNativeCode() {}

  @Override
  public Module compile(String moduleName, String irText) {
    JitModule m = LOADED.computeIfAbsent(irText, ir -> jit().compile(moduleName, ir));
    return symbol -> {
      NativeEntry e = m.entry(symbol);
      return e;
    };
  }

  private static LlvmJit jit() {
    LlvmJit j = jit;
    if (j == null) {
      synchronized (LlvmNativeCode.class) {
        if (jit == null) {
          jit = new LlvmJit();
        }
        j = jit;
      }
    }
    return j;
  }
}

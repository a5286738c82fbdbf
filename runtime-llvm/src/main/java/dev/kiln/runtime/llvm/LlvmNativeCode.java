package dev.kiln.runtime.llvm;

import dev.kiln.runtime.NativeCode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link NativeCode} provider generated facades find with {@code ServiceLoader} (registered in
 * {@code META-INF/services}): one process-wide {@link LlvmJit} with the default options (O3, disk
 * cache), and each distinct IR text compiled once and kept loaded for the life of the process, so
 * every instance of a model shares its code. A packaged ahead-of-time library for the host is
 * preferred to compiling ({@link #packaged}).
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

  /**
   * The best ahead-of-time library the model's jar packages for this CPU ({@link PackagedLibraries});
   * finding and loading it never touches LLVM, so it works with no bytedeco jar on the class path.
   */
  @Override
  public Packaged packaged(Class<?> model, String irResource) {
    return PackagedLibraries.find(model, irResource);
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

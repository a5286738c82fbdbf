package dev.kiln.runtime;

import dev.kiln.runtime.nativecode.PackagedLibraries;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;

/**
 * The seam between generated facades and a native backend: a facade created with
 * {@link Backend#LLVM} runs the ahead-of-time library its jar packages for this CPU, found and
 * loaded here ({@link PackagedLibraries}, FFM only), and otherwise compiles its {@code <Model>.ll}
 * resource through the JIT provider found with {@link ServiceLoader} ({@code kiln-runtime-llvm}
 * registers one). So generated code links only this module, a model on the Java backend needs
 * nothing native, and a model with a packaged library needs nothing else.
 */
public interface NativeCode {
  /** Compiles (or fetches from a cache) one module of native code from its LLVM IR text. */
  Module compile(String moduleName, String irText);

  /** A packaged ahead-of-time library chosen for this host. */
  interface Packaged {
    /** Loads it (once per process) and logs one line naming the file and why it was chosen. */
    Module load();
  }

  /** A loaded module: its entry points by symbol. */
  interface Module {
    Entry entry(String symbol);
  }

  /**
   * One entry point, in the calling convention of {@link dev.kiln.runtime.nativecode.NativeEntry}:
   * inputs, then every model variable, then the results (written in full; the caller allocates
   * them with their final shapes), and the run-time value of each symbolic dimension.
   */
  interface Entry {
    void call(NDArray[] inputs, NDArray[] params, NDArray[] outputs, long... sizes);

    /**
     * Runs the entry point without copies ({@code <symbol>.run}) on native memory the caller laid
     * out: {@code buffers} one pointer per tensor as {@link #call} orders them (a gradient result
     * may be null: not handed back), {@code sizes} one i64 per symbolic dimension, a 64-byte
     * aligned {@code workspace} of at least {@link #workspaceBytes} bytes, and for a training step
     * an optimizer record ({@link NativeOptimizer}) or NULL for none. {@link NativeState} uses it.
     */
    default void run(java.lang.foreign.MemorySegment buffers, java.lang.foreign.MemorySegment sizes,
        java.lang.foreign.MemorySegment workspace, java.lang.foreign.MemorySegment optimizer) {
      throw new UnsupportedOperationException("this native entry point runs only through call()");
    }

    /**
     * Like {@link #run}, with the buffers {@code slots[i]} (an i64 array) passed as {@code heap[i]},
     * which may be segments over Java arrays, read and written in place. Returns false, having
     * run nothing, when this entry cannot do that now (the caller then copies).
     */
    default boolean runDirect(java.lang.foreign.MemorySegment buffers, java.lang.foreign.MemorySegment sizes,
        java.lang.foreign.MemorySegment workspace, java.lang.foreign.MemorySegment optimizer,
        java.lang.foreign.MemorySegment slots, java.lang.foreign.MemorySegment[] heap) {
      return false;
    }

    /** The workspace {@link #run} needs for these sizes ({@code <symbol>.workspace}), in bytes. */
    default long workspaceBytes(java.lang.foreign.MemorySegment sizes) {
      throw new UnsupportedOperationException("this native entry point runs only through call()");
    }
  }

  /**
   * The native code of {@code model}'s generated class: the ahead-of-time library its jar packages
   * for this host when there is one (no provider needed), else its resource {@code resource}
   * (beside the class) compiled by the registered provider.
   *
   * @throws IllegalStateException if no library fits, and no provider is on the class path or the
   *     resource is missing
   * @throws dev.kiln.runtime.nativecode.NativeCodeException if the packaged library does not load
   */
  static Module load(Class<?> model, String resource) {
    Packaged aot = findPackaged(model, resource);
    if (aot != null) {
      return aot.load();
    }
    NativeCode provider = provider(model).orElseThrow(() -> new IllegalStateException(
        "the LLVM backend was requested for " + model.getSimpleName() + " but no native code"
            + " provider is on the class path; add dev.kiln:kiln-runtime-llvm"));
    String ir;
    try (InputStream in = model.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the LLVM backend was requested for " + model.getSimpleName()
            + " but its LLVM code " + resource + " is not on the class path beside the class");
      }
      ir = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("reading the LLVM code " + resource + " of "
          + model.getSimpleName() + " failed: " + e.getMessage(), e);
    }
    return provider.compile(resource, ir);
  }

  /**
   * The ahead-of-time library of {@code model} packaged for this host, or null: {@link #load}
   * prefers it to compiling the IR, and {@link Backend#resolve(Class, String)} takes LLVM for it
   * without needing the LLVM natives. Found here, not through a provider, so it works with only
   * this module on the class path. Finding one loads nothing.
   */
  static Packaged findPackaged(Class<?> model, String resource) {
    return PackagedLibraries.find(model, resource);
  }

  private static java.util.Optional<NativeCode> provider(Class<?> model) {
    return ServiceLoader.load(NativeCode.class, model.getClassLoader()).findFirst()
        .or(() -> ServiceLoader.load(NativeCode.class, NativeCode.class.getClassLoader()).findFirst());
  }
}

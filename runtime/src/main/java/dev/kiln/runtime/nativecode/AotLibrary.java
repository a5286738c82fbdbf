package dev.kiln.runtime.nativecode;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An ahead-of-time compiled shared library ({@code <Model>.<target>.so}, made by
 * kiln-runtime-llvm's {@code LlvmAotCompiler}) loaded with the FFM API alone: no LLVM, no JavaCPP.
 * It stays loaded for the life of the process (the global arena), like a JIT module of
 * kiln-runtime-llvm's {@code LlvmNativeCode}.
 *
 * <p>The library runs each parallel loop serially until {@link #open} stores a pool's upcall stub
 * in its exported pointer {@value #PARALLEL_FOR_IMPL} (a pool of more than one thread only).
 * Everything else it calls (malloc, free, memset, expf, tanhf …) binds at load time to the libc and
 * libm every JVM process already has.
 */
public final class AotLibrary implements NativeLibrary {
  /** The exported global holding the pool the module's parallel loops go to (null: serial). */
  public static final String PARALLEL_FOR_IMPL = ParallelFor.IMPL;

  private final String name;
  private final SymbolLookup symbols;
  private final Map<String, NativeEntry> entries = new ConcurrentHashMap<>();

  private AotLibrary(String name, SymbolLookup symbols) {
    this.name = name;
    this.symbols = symbols;
  }

  /**
   * Loads the library at {@code file} and points its parallel loops at {@code pool}.
   *
   * @param name names the library in error messages
   * @throws NativeCodeException if the file does not load as a Kiln library
   */
  public static AotLibrary open(String name, Path file, ParallelFor pool) {
    SymbolLookup symbols;
    try {
      symbols = SymbolLookup.libraryLookup(file, Arena.global());
    } catch (IllegalArgumentException e) {
      throw new NativeCodeException("loading the ahead-of-time library '" + name + "' from " + file
          + " failed: " + e.getMessage() + ".", e);
    }
    AotLibrary library = new AotLibrary(name, symbols);
    pool.install(library);
    return library;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public MemorySegment address(String symbol) {
    return symbols.find(symbol).orElseThrow(() -> new NativeCodeException("the ahead-of-time library '" + name
        + "' does not define '" + symbol + "'."));
  }

  /** Never: the library is loaded for the life of the process. */
  @Override
  public boolean isClosed() {
    return false;
  }

  /** The entry point {@code void @symbol(ptr %buffers, ptr %sizes)} (see {@link NativeEntry}), made once. */
  public NativeEntry entry(String symbol) {
    return entries.computeIfAbsent(symbol, s -> new NativeEntry(this, s, address(s)));
  }
}

package dev.kiln.runtime.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import dev.kiln.runtime.nativecode.NativeEntry;
import dev.kiln.runtime.nativecode.NativeLibrary;
import dev.kiln.runtime.nativecode.ParallelFor;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.llvm.LLVM.LLVMErrorRef;
import org.bytedeco.llvm.LLVM.LLVMJITEvaluatedSymbol;
import org.bytedeco.llvm.LLVM.LLVMMemoryBufferRef;
import org.bytedeco.llvm.LLVM.LLVMOrcCSymbolMapPair;
import org.bytedeco.llvm.LLVM.LLVMOrcDefinitionGeneratorRef;
import org.bytedeco.llvm.LLVM.LLVMOrcJITDylibRef;
import org.bytedeco.llvm.LLVM.LLVMOrcErrorReporterFunction;
import org.bytedeco.llvm.LLVM.LLVMOrcLLJITRef;

/**
 * One compiled IR module, loaded into its own ORC LLJIT: look up entry points by symbol name.
 *
 * <p>The JIT resolves the object's undefined symbols from the process (libc {@code malloc},
 * {@code free}, {@code memset}, libm {@code expf}, {@code logf}, {@code tanhf} … all already
 * loaded in a JVM) and {@code kiln_parallel_for} to the pool's upcall stub. Closing frees the
 * code: every address and {@link NativeEntry} taken from it is dead afterwards.
 */
public final class JitModule implements NativeLibrary, AutoCloseable {
  /**
   * The last session error of each module, keyed by its tag's address. ORC reports the real cause
   * of a failed link ("Symbols not found: [ foo ]") here, not in the lookup's own error, and by
   * default prints it to stderr; one static reporter routes it into the lookup's message instead
   * (JavaCPP allows only a few live callback instances, so not one per module).
   */
  private static final Map<Long, String> SESSION_ERRORS = new ConcurrentHashMap<>();
  private static final LLVMOrcErrorReporterFunction REPORTER = new LLVMOrcErrorReporterFunction() {
    @Override
    public void call(Pointer tag, LLVMErrorRef error) {
      try {
        LlvmNatives.check(error, "linking");
      } catch (LlvmException e) {
        SESSION_ERRORS.put(tag.address(), e.getMessage().substring("linking failed: ".length()));
      }
    }
  };

  private final String name;
  private final boolean fromCache;
  private final LLVMOrcLLJITRef jit;
  private final BytePointer tag;
  private final Map<String, NativeEntry> entries = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private JitModule(String name, boolean fromCache, LLVMOrcLLJITRef jit, BytePointer tag) {
    this.name = name;
    this.fromCache = fromCache;
    this.jit = jit;
    this.tag = tag;
  }

  /** A fresh LLJIT holding {@code object}; linking happens lazily, at the first lookup. */
  static JitModule load(String name, byte[] object, boolean fromCache, ParallelFor pool) {
    LLVMOrcLLJITRef jit = new LLVMOrcLLJITRef();
    // No builder settings: LLJIT detects the host; it only links objects here, never codegens.
    LlvmNatives.check(LLVMOrcCreateLLJIT(jit, LLVMOrcCreateLLJITBuilder()), "creating an ORC LLJIT");
    BytePointer tag = new BytePointer(1); // a unique address naming this module to REPORTER
    LLVMOrcExecutionSessionSetErrorReporter(LLVMOrcLLJITGetExecutionSession(jit), REPORTER, tag);
    try {
      LLVMOrcJITDylibRef dylib = LLVMOrcLLJITGetMainJITDylib(jit);
      LLVMOrcDefinitionGeneratorRef process = new LLVMOrcDefinitionGeneratorRef();
      LlvmNatives.check(LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
          process, LLVMOrcLLJITGetGlobalPrefix(jit), null, null), "searching this process for symbols");
      LLVMOrcJITDylibAddGenerator(dylib, process); // the dylib owns it now
      defineAbsolute(jit, dylib, ParallelFor.SYMBOL, pool.stub().address());

      LLVMMemoryBufferRef buffer;
      try (BytePointer bytes = new BytePointer(object); BytePointer bufferName = new BytePointer(name + ".o")) {
        buffer = LLVMCreateMemoryBufferWithMemoryRangeCopy(bytes, object.length, bufferName);
      }
      LlvmNatives.check(LLVMOrcLLJITAddObjectFile(jit, dylib, buffer), "loading the object code of '" + name + "'");
      JitModule module = new JitModule(name, fromCache, jit, tag);
      pool.install(module);
      return module;
    } catch (RuntimeException e) {
      LLVMConsumeError(LLVMOrcDisposeLLJIT(jit));
      SESSION_ERRORS.remove(tag.address());
      tag.close();
      throw e;
    }
  }

  /** Binds {@code symbol} in the dylib to a fixed address (what JIT'd code calls it at). */
  private static void defineAbsolute(LLVMOrcLLJITRef jit, LLVMOrcJITDylibRef dylib, String symbol, long address) {
    try (LLVMOrcCSymbolMapPair pair = new LLVMOrcCSymbolMapPair(1)) {
      pair.Name(LLVMOrcLLJITMangleAndIntern(jit, symbol)); // ownership passes to the unit below
      LLVMJITEvaluatedSymbol sym = pair.Sym();
      sym.Address(address);
      sym.Flags().GenericFlags((byte) (LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable));
      sym.Flags().TargetFlags((byte) 0);
      LlvmNatives.check(LLVMOrcJITDylibDefine(dylib, LLVMOrcAbsoluteSymbols(pair, 1)), "defining " + symbol);
    }
  }

  @Override
  public String name() {
    return name;
  }

  /** Whether the code came from the disk cache rather than a fresh compile. */
  public boolean fromCache() {
    return fromCache;
  }

  /**
   * The address of a function or global; links the object on first use.
   *
   * @throws LlvmException if the symbol is not defined or the object does not link
   */
  @Override
  public MemorySegment address(String symbol) {
    checkOpen();
    long[] address = new long[1];
    String what = "looking up '" + symbol + "' in LLVM module '" + name + "'";
    try {
      LlvmNatives.check(LLVMOrcLLJITLookup(jit, address, symbol), what);
    } catch (LlvmException e) {
      String cause = SESSION_ERRORS.remove(tag.address());
      throw cause == null ? e : new LlvmException(what + " failed: " + cause);
    }
    return MemorySegment.ofAddress(address[0]);
  }

  /** The entry point {@code void @symbol(ptr %buffers, ptr %sizes)} (see {@link NativeEntry}), made once. */
  public NativeEntry entry(String symbol) {
    checkOpen();
    return entries.computeIfAbsent(symbol, s -> new NativeEntry(this, s, address(s)));
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("LLVM module '" + name + "' is closed");
    }
  }

  /** Joins the module's own pool threads (if it started any), which run in the code freed next. */
  private void stopPool() {
    MemorySegment stop;
    try {
      stop = address("kiln_pool_stop");
    } catch (LlvmException e) {
      return; // no parallel loops
    }
    try {
      java.lang.foreign.Linker.nativeLinker().downcallHandle(stop, java.lang.foreign.FunctionDescriptor.ofVoid())
          .invokeExact();
    } catch (Throwable t) {
      throw new LlvmException("stopping the thread pool of LLVM module '" + name + "' failed: " + t, t);
    }
  }

  /** Frees the code; callers must not be running any of its entry points. */
  @Override
  public synchronized void close() {
    if (!closed) {
      stopPool();
      closed = true;
      LLVMConsumeError(LLVMOrcDisposeLLJIT(jit));
      SESSION_ERRORS.remove(tag.address());
      tag.close();
    }
  }
}

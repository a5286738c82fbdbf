package dev.kiln.runtime.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import dev.kiln.runtime.nativecode.ParallelFor;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.llvm.LLVM.LLVMContextRef;
import org.bytedeco.llvm.LLVM.LLVMMemoryBufferRef;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;
import org.bytedeco.llvm.LLVM.LLVMPassBuilderOptionsRef;
import org.bytedeco.llvm.LLVM.LLVMTargetDataRef;
import org.bytedeco.llvm.LLVM.LLVMTargetMachineRef;
import org.bytedeco.llvm.LLVM.LLVMTargetRef;

/**
 * Compiles LLVM IR text into native code for this machine and loads it into an ORC LLJIT.
 *
 * <p>Pipeline: {@code LLVMParseIRInContext} → verify → {@code LLVMRunPasses("default<O3>")} with a
 * target machine for the host CPU and its features → object code in memory
 * ({@code LLVMTargetMachineEmitToMemoryBuffer}; the module is disposed right after, so it needs no
 * {@code LLVMCloneModule} copy) → {@code LLVMOrcLLJITAddObjectFile}. Fresh compiles and disk-cache
 * hits therefore take the same loading path, and every object is codegen'd exactly once. MCJIT's
 * {@code LLVMRunFunction} is never used (it aborts the JVM on real signatures); callers get an
 * address and call it through FFM ({@link dev.kiln.runtime.nativecode.NativeEntry}).
 *
 * <p>Thread-safe: each compile has its own LLVM context and target machine.
 */
public final class LlvmJit {
  private static final System.Logger LOG = System.getLogger(LlvmJit.class.getName());
  private static final Pattern LOCATION = Pattern.compile(":(\\d+):(\\d+): error: (.*)");

  /**
   * @param cacheDir where compiled objects are kept; null disables the disk cache
   * @param threads the size of the {@code kiln_parallel_for} pool (the calling thread included)
   * @param passes the new-pass-manager pipeline, {@code default<O3>} normally
   */
  public record Options(Path cacheDir, int threads, String passes) {
    public Options {
      if (threads < 1) {
        throw new IllegalArgumentException("an LLVM JIT needs at least 1 thread, but was given " + threads);
      }
      Objects.requireNonNull(passes, "passes");
    }

    /** The default cache folder, one thread per core ({@code -Dkiln.threads} overrides), O3. */
    public static Options defaults() {
      return new Options(defaultCacheDir(), ParallelFor.defaultThreads(), "default<O3>");
    }

    public Options withCacheDir(Path dir) {
      return new Options(dir, threads, passes);
    }

    public Options withoutCache() {
      return new Options(null, threads, passes);
    }

    public Options withThreads(int n) {
      return new Options(cacheDir, n, passes);
    }
  }

  private final Options options;
  private final ObjectCache cache;
  private final ParallelFor pool;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  /** A JIT with {@link Options#defaults()}. */
  public LlvmJit() {
    this(Options.defaults());
  }

  /** @throws LlvmException if the LLVM natives cannot load */
  public LlvmJit(Options options) {
    this.options = Objects.requireNonNull(options, "options");
    LlvmNatives.host(); // fail here, in one sentence, if the natives are missing
    this.cache = options.cacheDir() == null ? null : new ObjectCache(options.cacheDir());
    this.pool = ParallelFor.shared(options.threads());
  }

  /** {@code $KILN_CACHE/llvm} when that variable is set, else {@code ~/.cache/kiln/llvm}. */
  public static Path defaultCacheDir() {
    String root = System.getenv("KILN_CACHE");
    return root != null && !root.isBlank()
        ? Path.of(root, "llvm")
        : Path.of(System.getProperty("user.home"), ".cache", "kiln", "llvm");
  }

  public Options options() {
    return options;
  }

  /** Compiles that loaded a cached object instead of optimising. */
  public long cacheHits() {
    return hits.get();
  }

  /** Compiles that ran parse + O3 + codegen (cache disabled, absent or rejected). */
  public long cacheMisses() {
    return misses.get();
  }

  /** Cache files found corrupt or unloadable, and recompiled. */
  public long cacheRejected() {
    return cache == null ? 0 : cache.rejected();
  }

  /** Where the object for this IR is (or would be) cached; null when the cache is off. */
  public Path cacheFile(String irText) {
    return cache == null ? null : cache.file(ObjectCache.key(irText, LlvmNatives.host(), options.passes()));
  }

  /**
   * Compiles (or loads from the disk cache) one IR module and returns its loaded code.
   *
   * @param moduleName names the module in error messages
   * @throws LlvmException with a one-sentence message if the IR does not parse or verify, or LLVM fails
   */
  public JitModule compile(String moduleName, String irText) {
    Objects.requireNonNull(irText, "irText");
    LlvmNatives.Host host = LlvmNatives.host();
    String key = cache == null ? null : ObjectCache.key(irText, host, options.passes());
    if (cache != null) {
      byte[] cached = cache.load(key); // null when absent or corrupt (logged, counted, deleted)
      if (cached != null) {
        try {
          JitModule m = JitModule.load(moduleName, cached, true, pool);
          hits.incrementAndGet();
          return m;
        } catch (LlvmException e) {
          // Checksummed, so unlikely; e.g. a file written by a differently configured build.
          LOG.log(Level.WARNING, "Ignoring LLVM cache file " + cache.file(key) + " that does not load ("
              + e.getMessage() + "); recompiling.");
          cache.evict(key);
        }
      }
    }
    byte[] object = compileToObject(moduleName, irText, host);
    misses.incrementAndGet();
    if (cache != null) {
      cache.store(key, object);
    }
    return JitModule.load(moduleName, object, false, pool);
  }

  /** Parse → verify → optimise → object code, all in a private context. */
  byte[] compileToObject(String moduleName, String irText, LlvmNatives.Host host) {
    return compileTo(moduleName, irText, host, LLVMObjectFile);
  }

  /**
   * The host assembly O3 makes of {@code irText} (AT&T syntax), for inspecting what the optimiser
   * did, e.g. whether loops were vectorised; nothing is loaded or cached.
   */
  public String assembly(String moduleName, String irText) {
    return new String(compileTo(moduleName, irText, LlvmNatives.host(), LLVMAssemblyFile), StandardCharsets.UTF_8);
  }

  private byte[] compileTo(String moduleName, String irText, LlvmNatives.Host host, int fileType) {
    LLVMContextRef context = LLVMContextCreate();
    LLVMModuleRef module = new LLVMModuleRef();
    LLVMTargetMachineRef tm = null;
    LLVMPassBuilderOptionsRef passOptions = null;
    try {
      byte[] text = irText.getBytes(StandardCharsets.UTF_8);
      LLVMMemoryBufferRef buffer;
      try (BytePointer bytes = new BytePointer(text); BytePointer name = new BytePointer(moduleName)) {
        buffer = LLVMCreateMemoryBufferWithMemoryRangeCopy(bytes, text.length, name);
      }
      BytePointer message = new BytePointer((Pointer) null);
      // Parsing takes ownership of the buffer, whether it succeeds or not.
      if (LLVMParseIRInContext(context, buffer, module, message) != 0) {
        throw parseError(moduleName, irText, LlvmNatives.take(message));
      }
      BytePointer verify = new BytePointer((Pointer) null);
      if (LLVMVerifyModule(module, LLVMReturnStatusAction, verify) != 0) {
        throw new LlvmException("LLVM IR module '" + moduleName + "' is not valid IR: "
            + withOffender(LlvmNatives.take(verify)) + ".");
      }
      LlvmNatives.take(verify);

      tm = hostTargetMachine(host);
      LLVMSetTarget(module, host.triple());
      LLVMTargetDataRef layout = LLVMCreateTargetDataLayout(tm);
      LLVMSetModuleDataLayout(module, layout);
      LLVMDisposeTargetData(layout);

      passOptions = LLVMCreatePassBuilderOptions();
      LlvmNatives.check(LLVMRunPasses(module, options.passes(), tm, passOptions),
          "optimising LLVM IR module '" + moduleName + "' with " + options.passes());

      return LlvmNatives.emit(tm, module, fileType, "machine code for LLVM IR module '" + moduleName + "'");
    } finally {
      if (passOptions != null) {
        LLVMDisposePassBuilderOptions(passOptions);
      }
      if (tm != null) {
        LLVMDisposeTargetMachine(tm);
      }
      if (!module.isNull()) {
        LLVMDisposeModule(module);
      }
      LLVMContextDispose(context);
    }
  }

  /** PIC, so JITLink can place the object anywhere and reach libc through its GOT/PLT stubs. */
  private static LLVMTargetMachineRef hostTargetMachine(LlvmNatives.Host host) {
    LLVMTargetRef target = new LLVMTargetRef();
    BytePointer error = new BytePointer((Pointer) null);
    int failed;
    try (BytePointer triple = new BytePointer(host.triple())) {
      failed = LLVMGetTargetFromTriple(triple, target, error);
    }
    if (failed != 0) {
      throw new LlvmException("LLVM has no target for this machine's triple " + host.triple() + ": "
          + firstLine(LlvmNatives.take(error)) + ".");
    }
    return LLVMCreateTargetMachine(target, host.triple(), host.cpu(), host.features(),
        LLVMCodeGenLevelAggressive, LLVMRelocPIC, LLVMCodeModelDefault);
  }

  /** "module 'm' does not parse at line 3, column 7: expected type (in `...`)". */
  static LlvmException parseError(String moduleName, String irText, String llvmMessage) {
    Matcher m = LOCATION.matcher(llvmMessage);
    if (m.find()) {
      int line = Integer.parseInt(m.group(1));
      String source = irText.lines().skip(Math.max(0, line - 1)).findFirst().orElse("").strip();
      return new LlvmException("LLVM IR module '" + moduleName + "' does not parse at line " + line
          + ", column " + m.group(2) + ": " + m.group(3).strip() + " (in `" + source + "`).");
    }
    return new LlvmException("LLVM IR module '" + moduleName + "' does not parse: " + firstLine(llvmMessage) + ".");
  }

  private static String firstLine(String s) {
    String line = s.strip().lines().findFirst().orElse("no message");
    return line.replaceAll("[.!]+$", "");
  }

  /** The verifier prints its complaint, then the offending instruction on the next line. */
  private static String withOffender(String s) {
    var lines = s.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    String first = firstLine(s);
    return lines.size() > 1 ? first + " (at `" + lines.get(1) + "`)" : first;
  }
}

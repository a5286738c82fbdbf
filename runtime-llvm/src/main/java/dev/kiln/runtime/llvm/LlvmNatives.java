package dev.kiln.runtime.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.llvm.LLVM.LLVMErrorRef;
import org.bytedeco.llvm.LLVM.LLVMMemoryBufferRef;
import org.bytedeco.llvm.LLVM.LLVMModuleRef;
import org.bytedeco.llvm.LLVM.LLVMTargetMachineRef;

/**
 * Loads the bytedeco LLVM natives once, initialises the host target, and answers facts about the
 * host that key the object cache. Every other class of this package reaches LLVM through here first,
 * so a missing natives jar surfaces as one clear {@link LlvmException} rather than a linkage error.
 */
final class LlvmNatives {
  static final String MISSING =
      "the LLVM backend needs the bytedeco llvm natives for linux-x86_64 on the class path"
          + " (org.bytedeco:llvm:20.1.7-1.5.12:linux-x86_64 and org.bytedeco:javacpp:1.5.12:linux-x86_64)";

  private static volatile Host host;
  private static volatile Throwable failure;

  private LlvmNatives() {}

  /** The host's CPU, features and LLVM version, loading the natives on first use. */
  static Host host() {
    Host h = host;
    if (h != null) {
      return h;
    }
    synchronized (LlvmNatives.class) {
      if (host == null && failure == null) {
        try {
          host = load();
        } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError, ExceptionInInitializerError
          failure = t;
        }
      }
      if (failure != null) {
        throw new LlvmException(MISSING + "; loading them failed with " + describe(failure) + ".", failure);
      }
      return host;
    }
  }

  private static Host load() {
    // Loading the class runs JavaCPP's Loader, which unpacks libLLVM (~1 s the first time).
    if (LLVMInitializeNativeTarget() != 0 || LLVMInitializeNativeAsmPrinter() != 0
        || LLVMInitializeNativeAsmParser() != 0) {
      throw new IllegalStateException("LLVM has no native target for this machine");
    }
    int[] major = new int[1], minor = new int[1], patch = new int[1];
    LLVMGetVersion(major, minor, patch);
    return new Host(
        take(LLVMGetDefaultTargetTriple()),
        take(LLVMGetHostCPUName()),
        take(LLVMGetHostCPUFeatures()),
        major[0] + "." + minor[0] + "." + patch[0]);
  }

  static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
  }

  /** Copies an LLVM-owned message into a Java string and frees it. */
  static String take(BytePointer message) {
    if (message == null || message.isNull()) {
      return "";
    }
    try {
      return message.getString();
    } finally {
      LLVMDisposeMessage(message);
    }
  }

  /** Throws the message of a non-null LLVM error (consuming it) as a one-sentence failure. */
  static void check(LLVMErrorRef error, String what) {
    if (error != null && !error.isNull()) {
      BytePointer m = LLVMGetErrorMessage(error);
      String text;
      try {
        text = m.getString();
      } finally {
        LLVMDisposeErrorMessage(m);
      }
      throw new LlvmException(what + " failed: " + text.strip().replace('\n', ' ') + ".");
    }
  }

  /**
   * The object code (or assembly, by {@code fileType}) {@code tm} makes of {@code module};
   * {@code what} names it in the one-sentence error ("x86-64-v3 machine code for LLVM IR module 'M'").
   */
  static byte[] emit(LLVMTargetMachineRef tm, LLVMModuleRef module, int fileType, String what) {
    LLVMMemoryBufferRef out = new LLVMMemoryBufferRef();
    BytePointer error = new BytePointer((Pointer) null);
    if (LLVMTargetMachineEmitToMemoryBuffer(tm, module, fileType, error, out) != 0) {
      throw new LlvmException("emitting " + what + " failed: "
          + take(error).strip().lines().findFirst().orElse("") + ".");
    }
    try {
      byte[] object = new byte[(int) LLVMGetBufferSize(out)];
      LLVMGetBufferStart(out).get(object);
      return object;
    } finally {
      LLVMDisposeMemoryBuffer(out);
    }
  }

  /** What the machine code depends on besides the IR itself. */
  record Host(String triple, String cpu, String features, String llvmVersion) {}
}

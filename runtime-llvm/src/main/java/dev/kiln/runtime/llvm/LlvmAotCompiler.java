package dev.kiln.runtime.llvm;

import static org.bytedeco.llvm.global.LLVM.*;

import dev.kiln.runtime.AotCompiler;
import dev.kiln.runtime.nativecode.AotTarget;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
 * The {@link AotCompiler} the annotation processor finds (registered in {@code META-INF/services}):
 * a model's IR (which carries its own parallel-for dispatcher, {@code @kiln.parallel_for.impl}:
 * the library needs no symbol from Kiln), optimised at O3 for one {@link AotTarget}'s CPU, emitted as a position-independent object, and linked into a shared library by
 * {@link SharedLibraryLinker}. The pipeline matches {@link LlvmJit}'s, with a named CPU instead of
 * the host's.
 */
public final class LlvmAotCompiler implements AotCompiler {
  /** For {@code ServiceLoader}. */
  public LlvmAotCompiler() {}

  @Override
  public List<String> targets() {
    return AotTarget.ids();
  }

  @Override
  public byte[] compile(String moduleName, String irText, String target) {
    AotTarget t = AotTarget.of(target);
    byte[] object = compileToObject(moduleName, irText, t);
    return SharedLibraryLinker.link(moduleName + "." + t.id() + ".so", object);
  }

  /** Parse, verify, O3 for {@code target}, PIC object code. */
  static byte[] compileToObject(String moduleName, String irText, AotTarget target) {
    return compileTo(moduleName, irText, target, LLVMObjectFile);
  }

  /** The assembly (AT&T syntax) {@link #compileToObject} makes, for checking what each target gets. */
  static String assembly(String moduleName, String irText, AotTarget target) {
    return new String(compileTo(moduleName, irText, target, LLVMAssemblyFile), StandardCharsets.UTF_8);
  }

  private static byte[] compileTo(String moduleName, String irText, AotTarget target, int fileType) {
    LlvmNatives.host(); // loads the natives and the X86 target, or fails in one sentence
    LLVMContextRef context = LLVMContextCreate();
    LLVMModuleRef module = null;
    LLVMTargetMachineRef tm = null;
    LLVMPassBuilderOptionsRef passOptions = null;
    try {
      module = parse(context, moduleName, irText);
      BytePointer verify = new BytePointer((Pointer) null);
      if (LLVMVerifyModule(module, LLVMReturnStatusAction, verify) != 0) {
        throw new LlvmException("LLVM IR module '" + moduleName + "' is not valid IR: "
            + LlvmNatives.take(verify).strip().lines().findFirst().orElse("") + ".");
      }
      LlvmNatives.take(verify);

      tm = targetMachine(target);
      LLVMSetTarget(module, AotTarget.TRIPLE);
      LLVMTargetDataRef layout = LLVMCreateTargetDataLayout(tm);
      LLVMSetModuleDataLayout(module, layout);
      LLVMDisposeTargetData(layout);
      passOptions = LLVMCreatePassBuilderOptions();
      LlvmNatives.check(LLVMRunPasses(module, "default<O3>", tm, passOptions),
          "optimising LLVM IR module '" + moduleName + "' for " + target.id());

      return LlvmNatives.emit(tm, module, fileType,
          target.id() + " machine code for LLVM IR module '" + moduleName + "'");
    } finally {
      if (passOptions != null) {
        LLVMDisposePassBuilderOptions(passOptions);
      }
      if (tm != null) {
        LLVMDisposeTargetMachine(tm);
      }
      if (module != null && !module.isNull()) {
        LLVMDisposeModule(module);
      }
      LLVMContextDispose(context);
    }
  }

  private static LLVMModuleRef parse(LLVMContextRef context, String moduleName, String irText) {
    byte[] text = irText.getBytes(StandardCharsets.UTF_8);
    LLVMMemoryBufferRef buffer;
    try (BytePointer bytes = new BytePointer(text); BytePointer name = new BytePointer(moduleName)) {
      buffer = LLVMCreateMemoryBufferWithMemoryRangeCopy(bytes, text.length, name);
    }
    LLVMModuleRef module = new LLVMModuleRef();
    BytePointer message = new BytePointer((Pointer) null);
    if (LLVMParseIRInContext(context, buffer, module, message) != 0) { // takes the buffer
      throw LlvmJit.parseError(moduleName, irText, LlvmNatives.take(message));
    }
    return module;
  }

  /** PIC, as a shared library needs; the level's CPU name sets its features. */
  private static LLVMTargetMachineRef targetMachine(AotTarget target) {
    LLVMTargetRef t = new LLVMTargetRef();
    BytePointer error = new BytePointer((Pointer) null);
    if (LLVMGetTargetFromTriple(new BytePointer(AotTarget.TRIPLE), t, error) != 0) {
      throw new LlvmException("this LLVM has no target for " + AotTarget.TRIPLE + ", so it cannot compile "
          + target.id() + " code: " + LlvmNatives.take(error).strip() + ".");
    }
    return LLVMCreateTargetMachine(t, AotTarget.TRIPLE, target.id(), "",
        LLVMCodeGenLevelAggressive, LLVMRelocPIC, LLVMCodeModelDefault);
  }
}

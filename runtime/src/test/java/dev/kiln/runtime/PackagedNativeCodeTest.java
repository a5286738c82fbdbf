package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.runtime.nativecode.AotTarget;
import dev.kiln.runtime.nativecode.HostCpu;
import dev.kiln.runtime.nativecode.NativeCodeException;
import org.junit.jupiter.api.Test;

/**
 * kiln-runtime finds a model's packaged ahead-of-time library for the host itself: {@code LLVM} and
 * {@code AUTO} resolve to LLVM for that model with no LLVM on the class path, and
 * {@link NativeCode#load} prefers the library to the JIT provider, which it asks only for a model
 * with none. The library here is {@code With.x86-64-v3.so} beside this class, bytes that are no
 * real library, so loading it fails in one sentence naming it.
 */
class PackagedNativeCodeTest {
  /** Registered in this module's test resources, standing in for kiln-runtime-llvm's JIT. */
  public static final class Provider implements NativeCode {
    static final Module MODULE = symbol -> (inputs, params, outputs, sizes) -> {};

    @Override
    public Module compile(String moduleName, String irText) {
      if (!moduleName.equals("Without.ll") || !irText.startsWith("; Without")) {
        throw new AssertionError("a packaged library must be preferred to compiling " + moduleName);
      }
      return MODULE;
    }
  }

  static final class WithLibrary {}

  static final class WithoutLibrary {}

  @Test
  void aPackagedLibraryMakesLlvmResolveWithoutTheNativesAndIsLoadedFirst() {
    assumeTrue(HostCpu.targets().contains(AotTarget.X86_64_V3), "this CPU runs no x86-64-v3 code");
    assertEquals(Backend.LLVM, Backend.LLVM.resolve(WithLibrary.class, "With.ll"));
    assertEquals(Backend.LLVM, Backend.AUTO.resolve(WithLibrary.class, "With.ll"));
    assertEquals(Backend.JAVA, Backend.JAVA.resolve(WithLibrary.class, "With.ll"));
    NativeCodeException e = assertThrows(NativeCodeException.class, () -> NativeCode.load(WithLibrary.class, "With.ll"));
    assertTrue(e.getMessage().startsWith("loading the ahead-of-time library 'dev/kiln/runtime/With.x86-64-v3.so' from "),
        e.getMessage());
  }

  @Test
  void withoutOneTheProviderCompilesTheIrAndResolutionIsUnchanged() {
    assertSame(Provider.MODULE, NativeCode.load(WithoutLibrary.class, "Without.ll"));
    assertEquals(Backend.JAVA, Backend.AUTO.resolve(WithoutLibrary.class, "Without.ll"));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Backend.LLVM.resolve(WithoutLibrary.class, "Without.ll"));
    assertEquals("the LLVM backend was requested but cannot run: kiln-runtime-llvm (dev.kiln:kiln-runtime-llvm)"
        + " is not on the class path", e.getMessage());
  }
}

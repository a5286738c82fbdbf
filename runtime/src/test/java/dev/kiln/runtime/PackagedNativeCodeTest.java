package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * A provider's packaged ahead-of-time library for the host makes {@code LLVM} and {@code AUTO}
 * resolve to LLVM for that model without kiln-runtime-llvm's natives, and {@link NativeCode#load}
 * prefers it to compiling; a model with none resolves as before.
 */
class PackagedNativeCodeTest {
  /** Registered in this module's test resources; it packages a library for {@link WithLibrary} only. */
  public static final class Provider implements NativeCode {
    static final Module MODULE = symbol -> (inputs, params, outputs, sizes) -> {};

    @Override
    public Module compile(String moduleName, String irText) {
      throw new AssertionError("a packaged library must be preferred to compiling " + moduleName);
    }

    @Override
    public Packaged packaged(Class<?> model, String irResource) {
      return model == WithLibrary.class && irResource.equals("With.ll") ? () -> MODULE : null;
    }
  }

  static final class WithLibrary {}

  static final class WithoutLibrary {}

  @Test
  void aPackagedLibraryMakesLlvmResolveWithoutTheNatives() {
    assertEquals(Backend.LLVM, Backend.LLVM.resolve(WithLibrary.class, "With.ll"));
    assertEquals(Backend.LLVM, Backend.AUTO.resolve(WithLibrary.class, "With.ll"));
    assertEquals(Backend.JAVA, Backend.JAVA.resolve(WithLibrary.class, "With.ll"));
    assertSame(Provider.MODULE, NativeCode.load(WithLibrary.class, "With.ll"));
  }

  @Test
  void withoutOneResolutionIsUnchanged() {
    assertEquals(Backend.JAVA, Backend.AUTO.resolve(WithoutLibrary.class, "Without.ll"));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Backend.LLVM.resolve(WithoutLibrary.class, "Without.ll"));
    assertEquals("the LLVM backend was requested but cannot run: kiln-runtime-llvm (dev.kiln:kiln-runtime-llvm)"
        + " is not on the class path", e.getMessage());
  }
}

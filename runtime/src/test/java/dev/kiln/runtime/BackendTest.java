package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** kiln-runtime alone (no kiln-runtime-llvm on the class path): AUTO falls back, LLVM refuses. */
class BackendTest {
  @Test
  void withoutTheLlvmModuleAutoIsJavaAndLlvmThrows() {
    assertEquals(Backend.JAVA, Backend.AUTO.resolve());
    assertEquals(Backend.JAVA, Backend.JAVA.resolve());
    IllegalStateException e = assertThrows(IllegalStateException.class, Backend.LLVM::resolve);
    assertEquals("the LLVM backend was requested but cannot run: kiln-runtime-llvm (dev.kiln:kiln-runtime-llvm)"
        + " is not on the class path", e.getMessage());
  }

  @Test
  void parsesNames() {
    assertEquals(Backend.LLVM, Backend.parse(" llvm "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backend.parse("cuda"));
    assertEquals("backend must be one of java, llvm or auto, but was 'cuda'", e.getMessage());
  }
}

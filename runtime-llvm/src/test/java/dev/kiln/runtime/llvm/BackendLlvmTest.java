package dev.kiln.runtime.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Backend;
import org.junit.jupiter.api.Test;

/** With this module and its natives on the class path, AUTO and LLVM both pick LLVM. */
class BackendLlvmTest {
  @Test
  void autoAndLlvmResolveToLlvm() {
    LlvmAvailability.Result r = LlvmAvailability.check();
    assertTrue(r.available(), r.reason());
    assertTrue(r.reason().startsWith("the LLVM 20.1."), r.reason());
    assertEquals(Backend.LLVM, Backend.AUTO.resolve());
    assertEquals(Backend.LLVM, Backend.LLVM.resolve());
    assertEquals(Backend.JAVA, Backend.JAVA.resolve());
  }
}

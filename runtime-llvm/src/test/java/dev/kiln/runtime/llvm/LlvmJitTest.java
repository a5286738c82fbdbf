package dev.kiln.runtime.llvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.nativecode.NativeEntry;
import org.junit.jupiter.api.Test;

class LlvmJitTest {
  private static final LlvmJit JIT = new LlvmJit(LlvmJit.Options.defaults().withoutCache());

  @Test
  void saxpyWithSymbolicSizeRunsThroughNativeEntry() {
    try (JitModule m = JIT.compile("saxpy", TestKernels.SAXPY)) {
      assertFalse(m.fromCache());
      NativeEntry saxpy = m.entry("saxpy");
      for (int n : new int[] {1, 7, 1000, 3}) { // shrinking after growing reuses the buffers
        float[] x = new float[n], y = new float[n], expected = new float[n];
        for (int i = 0; i < n; i++) {
          x[i] = i * 0.5f - 3;
          y[i] = 100 - i;
          expected[i] = 2.5f * x[i] + y[i];
        }
        NDArray out = NDArray.zeros(dev.kiln.dsl.DType.F32, n);
        saxpy.call(new NDArray[] {NDArray.of(x, n), NDArray.of(y, n)},
            new NDArray[] {NDArray.scalar(2.5f)}, new NDArray[] {out}, n);
        assertArrayEquals(expected, out.floats(), "n=" + n);
      }
    }
  }

  @Test
  void kernelCallsLibcAndLibm() {
    try (JitModule m = JIT.compile("softmax", TestKernels.SOFTMAX)) {
      float[] x = {1f, 2f, 3f, -1f, 0.5f};
      NDArray out = NDArray.zeros(dev.kiln.dsl.DType.F32, 5);
      m.entry("softmax").call(new NDArray[] {NDArray.of(x, 5)}, new NDArray[0], new NDArray[] {out}, 5);
      double sum = 0;
      for (float v : x) {
        sum += Math.exp(v);
      }
      for (int i = 0; i < x.length; i++) {
        assertEquals(Math.exp(x[i]) / sum, out.floats()[i], 1e-6, "element " + i);
      }
    }
  }

  @Test
  void parseErrorNamesModuleLineAndText() {
    String bad = "define void @f(ptr %b, ptr %s) {\nentry:\n  %x = fadd flot 1.0, 2.0\n  ret void\n}\n";
    LlvmException e = assertThrows(LlvmException.class, () -> JIT.compile("broken", bad));
    assertTrue(e.getMessage().startsWith("LLVM IR module 'broken' does not parse at line 3, column "), e.getMessage());
    assertTrue(e.getMessage().contains("(in `%x = fadd flot 1.0, 2.0`)"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void irThatParsesButDoesNotVerifyIsRejected() {
    String bad = "define i32 @f() {\nentry:\n  br label %next\nnext:\n  ret i32 %v\nlater:\n  %v = add i32 1, 2\n  ret i32 %v\n}\n";
    LlvmException e = assertThrows(LlvmException.class, () -> JIT.compile("unverified", bad));
    assertEquals("LLVM IR module 'unverified' is not valid IR: Instruction does not dominate all uses"
        + " (at `%v = add i32 1, 2`).", e.getMessage());
  }

  @Test
  void missingSymbolAndClosedModuleGiveClearErrors() {
    JitModule m = JIT.compile("saxpy2", TestKernels.SAXPY);
    LlvmException e = assertThrows(LlvmException.class, () -> m.address("nope"));
    assertTrue(e.getMessage().startsWith("looking up 'nope' in LLVM module 'saxpy2' failed: "), e.getMessage());
    NativeEntry entry = m.entry("saxpy");
    m.close();
    IllegalStateException closed = assertThrows(IllegalStateException.class,
        () -> entry.invoke(java.lang.foreign.MemorySegment.NULL, java.lang.foreign.MemorySegment.NULL));
    assertEquals("native entry point saxpy belongs to closed LLVM module 'saxpy2'", closed.getMessage());
  }

  @Test
  void unresolvedExternalNamesTheMissingSymbol() {
    String ir = "declare void @no_such_function_anywhere()\n"
        + "define void @g(ptr %b, ptr %s) {\n  call void @no_such_function_anywhere()\n  ret void\n}\n";
    try (JitModule m = JIT.compile("unlinked", ir)) {
      LlvmException e = assertThrows(LlvmException.class, () -> m.entry("g"));
      assertEquals("looking up 'g' in LLVM module 'unlinked' failed: Symbols not found: [ no_such_function_anywhere ].",
          e.getMessage());
    }
  }

  @Test
  void elementTypesFollowTheConvention() {
    assertEquals("float", NativeEntry.llvmType(dev.kiln.dsl.DType.F32));
    assertEquals("i8", NativeEntry.llvmType(dev.kiln.dsl.DType.BOOL));
    assertEquals("i16", NativeEntry.llvmType(dev.kiln.dsl.DType.BF16));
    assertEquals("i64", NativeEntry.llvmType(dev.kiln.dsl.DType.I64));
  }
}

package dev.kiln.runtime.llvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dsl.DType;
import dev.kiln.runtime.NDArray;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectCacheTest {
  @TempDir Path dir;

  private LlvmJit jit() {
    return new LlvmJit(LlvmJit.Options.defaults().withCacheDir(dir));
  }

  /** Runs saxpy on a fixed case and checks the answer, whatever path loaded the code. */
  private static void assertSaxpyWorks(JitModule m) {
    NDArray out = NDArray.zeros(DType.F32, 3);
    m.entry("saxpy").call(new NDArray[] {NDArray.of(new float[] {1, 2, 3}, 3), NDArray.of(new float[] {10, 20, 30}, 3)},
        new NDArray[] {NDArray.scalar(2f)}, new NDArray[] {out}, 3);
    assertArrayEquals(new float[] {12, 24, 36}, out.floats());
  }

  @Test
  void secondCompileLoadsTheObjectFile() throws Exception {
    LlvmJit first = jit();
    try (JitModule m = first.compile("saxpy", TestKernels.SAXPY)) {
      assertFalse(m.fromCache());
      assertSaxpyWorks(m);
    }
    Path file = first.cacheFile(TestKernels.SAXPY);
    assertEquals(dir, file.getParent());
    assertTrue(Files.size(file) > 40, "object written to " + file);
    assertEquals(1, first.cacheMisses());
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file is left behind");
    }

    LlvmJit second = jit(); // as on a later start
    try (JitModule m = second.compile("saxpy", TestKernels.SAXPY)) {
      assertTrue(m.fromCache());
      assertEquals(1, second.cacheHits());
      assertEquals(0, second.cacheMisses());
      assertSaxpyWorks(m);
    }
    // Different IR is a different key.
    String other = TestKernels.SAXPY.replace("fadd float %ax", "fsub float %ax");
    assertFalse(file.equals(second.cacheFile(other)));
  }

  @Test
  void corruptCacheFileIsRecompiled() throws Exception {
    LlvmJit first = jit();
    first.compile("saxpy", TestKernels.SAXPY).close();
    Path file = first.cacheFile(TestKernels.SAXPY);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x5a; // bit rot in the code
    Files.write(file, bytes);

    LlvmJit second = jit();
    try (JitModule m = second.compile("saxpy", TestKernels.SAXPY)) {
      assertFalse(m.fromCache());
      assertEquals(1, second.cacheRejected());
      assertEquals(1, second.cacheMisses());
      assertSaxpyWorks(m);
    }
    LlvmJit third = jit(); // the recompile rewrote a good file
    try (JitModule m = third.compile("saxpy", TestKernels.SAXPY)) {
      assertTrue(m.fromCache());
    }

    Files.write(file, new byte[] {1, 2, 3}); // truncated
    LlvmJit fourth = jit();
    try (JitModule m = fourth.compile("saxpy", TestKernels.SAXPY)) {
      assertFalse(m.fromCache());
      assertEquals(1, fourth.cacheRejected());
      assertSaxpyWorks(m);
    }
  }

  @Test
  void wellFormedFileThatIsNotAnObjectIsRecompiled() throws Exception {
    LlvmJit jit = jit();
    Path file = jit.cacheFile(TestKernels.SAXPY);
    byte[] garbage = "not an ELF object at all".getBytes(StandardCharsets.US_ASCII);
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(garbage);
    byte[] magic = "KILNOBJ1".getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[garbage.length + 40];
    System.arraycopy(garbage, 0, all, 0, garbage.length);
    System.arraycopy(sha, 0, all, garbage.length, 32);
    System.arraycopy(magic, 0, all, garbage.length + 32, 8);
    Files.createDirectories(dir);
    Files.write(file, all);

    try (JitModule m = jit.compile("saxpy", TestKernels.SAXPY)) {
      assertFalse(m.fromCache());
      assertEquals(1, jit.cacheRejected());
      assertSaxpyWorks(m);
    }
  }
}

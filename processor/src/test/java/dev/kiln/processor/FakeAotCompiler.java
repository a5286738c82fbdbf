package dev.kiln.processor;

import dev.kiln.runtime.AotCompiler;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Stands in for kiln-runtime-llvm's compiler on the processor tests' path: its "library" is the
 * target's name and the IR's first line, so a test can see what was compiled; target
 * {@code broken} fails the way a real compile error would.
 */
public final class FakeAotCompiler implements AotCompiler {
  @Override
  public List<String> targets() {
    return List.of("fake-a", "fake-b", "broken");
  }

  @Override
  public byte[] compile(String moduleName, String irText, String target) {
    if (target.equals("broken")) {
      throw new IllegalStateException("LLVM IR module '" + moduleName + "' does not parse at line 1.");
    }
    return (target + "\n" + irText.lines().findFirst().orElse("")).getBytes(StandardCharsets.UTF_8);
  }
}

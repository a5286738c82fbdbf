package dev.kiln.codegen.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.llvm.LlvmBackend;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.compiler.model.GeneratedFile;
import dev.kiln.runtime.Backend;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One model's generated facade, compiled in memory with its LLVM IR beside it, created with the
 * same seed on {@code Backend.JAVA} and on {@code Backend.LLVM}: the two instances facade-level
 * tests compare.
 */
record BothBackends(Object onJava, Object onLlvm) {
  static BothBackends create(CompiledModel model, long seed) throws Exception {
    assertEquals(Set.of(), LlvmBackend.missingOps(model));
    List<GeneratedFile> files = new ArrayList<>(JavaBackend.generate(model));
    for (EntryPoint ep : model.entryPoints()) {
      if (ep.kind() == EntryPoint.Kind.TRAIN) {
        assertTrue(files.getFirst().content().contains("nativeState.call(\"" + LlvmBackend.symbol(model, ep) + "\""),
            "the facade of " + ep.name() + " takes the native path");
      }
    }
    files.addAll(LlvmBackend.generate(model));
    Class<?> cls = InMemoryJavac.compileAndLoad(files, model.packageName() + "." + model.simpleName() + "Compiled");
    Method create = cls.getMethod("create", long.class, Backend.class);
    return new BothBackends(create.invoke(null, seed, Backend.JAVA), create.invoke(null, seed, Backend.LLVM));
  }
}

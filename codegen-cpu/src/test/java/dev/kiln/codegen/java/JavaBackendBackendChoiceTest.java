package dev.kiln.codegen.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.llvm.LlvmBackend;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.GeneratedFile;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.compiler.passes.KilnCompiler;
import dev.kiln.dsl.DType;
import dev.kiln.runtime.Backend;
import dev.kiln.runtime.NDArray;
import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code create(seed, backend)} of the facade: every standard op has an LLVM kernel now (control
 * flow included), so models get a native path per entry point, and {@code AUTO} stays on Java
 * where {@code kiln-runtime-llvm} is absent, as in this module's tests. (Running on LLVM is
 * tested where it is on the class path: runtime-llvm and samples/mnist-softmax.)
 */
class JavaBackendBackendChoiceTest {
  /** inverse(x), a fetch, reading x through a cond (both branches x). */
  private static CompiledModel inverse() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(2, 2));
    Node w = Emit.variable(b, "w", DType.F32, Shape.of(2, 2), "zeros");
    Node step = dev.kiln.compiler.ops.ControlFlow.cond(b, null, Emit.scalar(b, DType.BOOL, 1),
        r -> List.of(x), r -> List.of(x)).getFirst();
    Node inv = Emit.add(b, Emit.matrixInverse(b, step), w);
    return KilnCompiler.compile(new ModelSpec("test.choice", "Inverse", b.graph(), List.of(x), List.of(w),
        List.of(new ModelSpec.Named("inverse", inv)), List.of()));
  }

  @Test
  void aModelWithControlFlowIsCoveredAndAutoRunsItOnJavaWithoutTheLlvmRuntime() throws Exception {
    CompiledModel model = inverse();
    assertEquals(java.util.Set.of(), LlvmBackend.missingOps(model));
    List<GeneratedFile> files = JavaBackend.generate(model);
    assertTrue(files.getFirst().content().contains("nativeState.call(\"kiln_Inverse_inverse_fetch\""),
        "a native path for the cond model");
    Class<?> cls = InMemoryJavac.compileAndLoad(files, "test.choice.InverseCompiled");
    Method create = cls.getMethod("create", long.class, Backend.class);

    // AUTO and the one-argument create run it on Java.
    NDArray x = NDArray.of(new float[] {2, 0, 0, 4}, 2, 2);
    for (Object m : List.of(create.invoke(null, 1L, Backend.AUTO), cls.getMethod("create", long.class).invoke(null, 1L))) {
      NDArray inv = (NDArray) cls.getMethod("inverse", NDArray.class).invoke(m, x);
      assertEquals(0.5f, inv.getFloat(0, 0));
      assertEquals(0.25f, inv.getFloat(1, 1));
    }
  }

  @Test
  void aCoveredModelGetsANativePathPerEntryPoint() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(dev.kiln.compiler.ir.Dim.symbol("batch"), dev.kiln.compiler.ir.Dim.of(3)));
    Node w = Emit.variable(b, "w", DType.F32, Shape.of(3, 2), "zeros");
    Node y = Emit.relu(b, Emit.matmul(b, x, w, false, false));
    Node loss = Emit.reduceMean(b, y, false);
    CompiledModel model = KilnCompiler.compile(new ModelSpec("test.choice", "Covered", b.graph(), List.of(x),
        List.of(w), List.of(new ModelSpec.Named("y", y)), List.of(new ModelSpec.Named("loss", loss))));
    assertTrue(LlvmBackend.missingOps(model).isEmpty());
    String src = JavaBackend.generate(model).getFirst().content();
    for (String symbol : List.of("kiln_Covered_y_fetch", "kiln_Covered_loss_fetch", "kiln_Covered_loss_train")) {
      assertTrue(src.contains("nativeState.call(\"" + symbol + "\""), symbol + " in\n" + src);
    }
    assertNotNull(InMemoryJavac.compileAndLoad(JavaBackend.generate(model), "test.choice.CoveredCompiled"));
  }
}

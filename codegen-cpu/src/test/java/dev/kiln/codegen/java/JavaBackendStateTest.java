package dev.kiln.codegen.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.GeneratedFile;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.compiler.passes.KilnCompiler;
import dev.kiln.dsl.DType;
import dev.kiln.runtime.NDArray;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** State writes in generated code: in place, old-value reads, per-instance state, checkpoints. */
class JavaBackendStateTest {
  @Test
  void writesMatchTheInterpreterCallAfterCall() {
    Harness h = new Harness("StateWrites");
    Node v = h.param("v", DType.F32, 2, 3);
    Node x = h.input("x", DType.F32, 2, 3);
    h.fetch("set", Emit.assign(h.b, v, x));
    // The new value plus the old one: the read of v must not see the write.
    h.fetch("addOld", Emit.add(h.b, Emit.assignAdd(h.b, v, x), v));
    h.fetch("sub", Emit.assignSub(h.b, v, Emit.mul(h.b, x, x)));
    h.fetch("read", Emit.mul(h.b, v, Emit.scalar(h.b, DType.F32, 1)));
    h.check(1, 2, 3); // three rounds of all four calls, state carried over
  }

  /** The seed notebook's example: {@code @State a = 3; doubled() = assign(a, a * 2)}. */
  static Object[] counters() {
    GraphBuilder b = new GraphBuilder();
    Node a = Emit.stateVariable(b, "a", DType.F32, Shape.SCALAR, "constant", 3);
    b.pushScope("doubled");
    Node doubled = Emit.assign(b, a, Emit.mul(b, a, Emit.scalar(b, DType.F32, 2)));
    b.popScope();
    b.pushScope("peek");
    Node peek = Emit.add(b, a, Emit.scalar(b, DType.F32, 0));
    b.popScope();
    ModelSpec spec = new ModelSpec("test.state", "Counter", b.graph(), List.of(), List.of(a),
        List.of(new ModelSpec.Named("doubled", doubled), new ModelSpec.Named("peek", peek)), List.of());
    CompiledModel model = KilnCompiler.compile(spec);
    List<GeneratedFile> files = JavaBackend.generate(model);
    Class<?> type = InMemoryJavac.compileAndLoad(files, "test.state.CounterCompiled");
    try {
      return new Object[] {type.getMethod("create", long.class).invoke(null, 1L),
          type.getMethod("create", long.class).invoke(null, 1L), files.getFirst().content()};
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void eachInstanceOwnsItsStateAndWritesLandInIt(@TempDir Path tmp) {
    Object[] c = counters();
    Object first = c[0];
    Object second = c[1];
    assertEquals(6f, Harness.invoke(first, "doubled"));
    assertEquals(12f, Harness.invoke(first, "doubled"));
    assertEquals(24f, Harness.invoke(first, "doubled"));
    assertEquals(24f, Harness.invoke(first, "peek"));
    assertEquals(6f, Harness.invoke(second, "doubled"), "a second instance starts again");

    // State is checkpointed like parameters.
    Path file = tmp.resolve("counter.safetensors");
    Harness.invoke(first, "save", file);
    Harness.invoke(second, "restore", file);
    assertEquals(48f, Harness.invoke(second, "doubled"));
    @SuppressWarnings("unchecked")
    Map<String, NDArray> vars = (Map<String, NDArray>) Harness.invoke(second, "variables");
    assertEquals(48f, vars.get("a").floats()[0]);

    String source = (String) c[2];
    assertTrue(source.contains("a.floats().clone()"), source);
    assertTrue(source.contains("in place"), source);
  }
}

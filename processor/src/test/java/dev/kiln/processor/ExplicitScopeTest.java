package dev.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import dev.kiln.compiler.ir.Node;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** {@code scope("name", () -> ...)} names nodes like a method call does, without a method. */
class ExplicitScopeTest {
  @Test
  void nodesBuiltInAScopeAreNamedUnderIt() {
    JavaFileObject f = Models.model("Scoped",
        "  @Fetch Tensor out() {",
        "    Tensor h = scope(\"encoder\", () -> relu(matmul(x, w)));",
        "    return scope(\"head\", () -> scope(\"inner\", () -> h.times(2)));",
        "  }");
    SpecCapture capture = new SpecCapture();
    Compilation c = javac().withProcessors(capture).compile(f);
    assertThat(c).succeeded();
    var names = capture.specs.getFirst().graph().nodes().stream().map(Node::name).toList();
    assertThat(names).containsAtLeast("out/encoder/MatMul", "out/encoder/Relu", "out/head/inner/Mul");
  }

  @Test
  void theNameMustBeACompileTimeString() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    return scope(\"a/b\", () -> x.neg());",
        "  }");
    assertThat(KilnProcessorTest.compile(f))
        .hadErrorContaining("scope: the name must be a non-empty compile-time string without '/'")
        .inFile(f).onLineContaining("return scope(\"a/b\"");
  }
}

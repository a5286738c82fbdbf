package dev.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/** @State fields and assign/assignAdd/assignSub through the processor: compiles, and every diagnostic at its line. */
class StateProcessorTest {
  private static Compilation compile(JavaFileObject f) {
    return KilnProcessorTest.compile(f);
  }

  @Test
  void theSeedNotebookCounterCompiles() throws IOException {
    JavaFileObject f = Models.model("Counter",
        "  @State Tensor a = variable(constant(3));",
        "  @State Tensor steps = variable(zeros(), 3);",
        "  @Fetch Tensor doubled() { return assign(a, a.times(2)); }",
        "  @Fetch Tensor tick() { return assignAdd(steps, 1).plus(assignSub(a, 0.5)); }",
        "  @Loss Tensor loss() { return reduceMean(square(matmul(x, w).minus(y))); }");
    Compilation c = compile(f);
    assertThat(c).succeeded();
    String source = c.generatedSourceFile("demo.CounterCompiled").orElseThrow().getCharContent(true).toString();
    // Both variables live in the instance's state; only w is trained.
    assertThat(source).contains("state.add(\"a\", DType.F32)");
    assertThat(source).contains("state.add(\"steps\", DType.F32, 3)");
    assertThat(source).contains("a.floats().clone()");
    assertThat(source).contains("public float doubled()");
    assertThat(source).doesNotContain("optimizer.init(List.of(a");
    String json = c.generatedFile(StandardLocation.SOURCE_OUTPUT, "demo", "Counter.graph.json")
        .orElseThrow().getCharContent(true).toString();
    assertThat(json).contains("AssignAdd");
  }

  @Test
  void assigningAPlaceholderIsAnErrorAtTheLine() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    return assign(x,",
        "        x.times(2));",
        "  }");
    assertThat(compile(f)).hadErrorContaining("assign: the target must be a @State or @Param field, got the"
        + " @Input placeholder 'x'; only variables hold state between calls")
        .inFile(f).onLineContaining("return assign(x,");
  }

  @Test
  void assigningAComputedTensorIsAnError() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() { return assignAdd(w.times(2), w); }");
    assertThat(compile(f)).hadErrorContaining("assignAdd: the target must be a @State or @Param field, got a"
        + " computed tensor f32[4, 3]").inFile(f).onLineContaining("assignAdd(w.times(2), w)");
  }

  @Test
  void aWrongShapeNamesBothShapes() {
    JavaFileObject f = Models.model("Bad",
        "  @State Tensor s = variable(zeros(), 3);",
        "  @Fetch Tensor out() {",
        "    Tensor m = reduceMean(x, 0);",
        "    return assign(s, m);",
        "  }");
    assertThat(compile(f)).hadErrorContaining("assign: the value f32[4] does not match the variable's type f32[3];"
        + " the shapes and dtypes must be equal").inFile(f).onLineContaining("return assign(s, m);");
  }

  @Test
  void aDiscardedWriteIsAnErrorBecauseItWouldNeverRun() {
    JavaFileObject f = Models.model("Bad",
        "  @State Tensor n = variable(zeros());",
        "  @Fetch Tensor out() {",
        "    assignAdd(n, 1);",
        "    return x;",
        "  }");
    assertThat(compile(f)).hadErrorContaining("the result of assignAdd(n, 1) is discarded, so the write would"
        + " never run").inFile(f).onLineContaining("assignAdd(n, 1);");
  }

  @Test
  void twoWritesOfOneVariableInOneFetchAreAnError() {
    JavaFileObject f = Models.model("Bad",
        "  @State Tensor n = variable(zeros());",
        "  @Fetch Tensor out() { return assignAdd(n, 1).plus(assign(n, 5)); }");
    assertThat(compile(f)).hadErrorContaining("variable 'n' is written twice in entry point 'out'");
  }

  @Test
  void stateNeedsVariableAndOneRole() {
    JavaFileObject f = Models.model("Bad",
        "  @State Tensor s = placeholder(F32, 3);",
        "  @State @Param Tensor t = variable(zeros(), 3);",
        "  @Fetch Tensor out() { return x; }");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("field 't' must be one of @Input, @Param and @State, found @Param and @State")
        .inFile(f).onLineContaining("@State @Param Tensor t");
  }
}

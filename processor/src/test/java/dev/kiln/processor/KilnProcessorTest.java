package dev.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

class KilnProcessorTest {
  static Compilation compile(JavaFileObject... sources) {
    return javac().withProcessors(new KilnProcessor()).compile(sources);
  }

  @Test
  void mnistCompilesAndItsGeneratedSourcesCompile() throws IOException {
    Compilation c = compile(Models.mnist());
    assertThat(c).succeeded();
    assertThat(c.generatedSourceFiles()).isNotEmpty();
    assertThat(c).generatedFile(StandardLocation.CLASS_OUTPUT, "demo", "MnistSoftmax.graph.json");
    assertThat(c).generatedFile(StandardLocation.SOURCE_OUTPUT, "demo", "MnistSoftmax.graph.dot");
    assertThat(c).hadNoteContaining("Kiln compiled model MnistSoftmax");
    String json = c.generatedFile(StandardLocation.SOURCE_OUTPUT, "demo", "MnistSoftmax.graph.json")
        .orElseThrow().getCharContent(true).toString();
    assertThat(json).contains("estimates");
  }

  @Test
  void matmulShapeMismatchNamesBothShapes() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    Tensor h = x.plus(1);",
        "    return matmul(w, h);",
        "  }");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("matmul: cannot multiply [4, 3] by [batch, 4]: inner dimensions 3 and batch differ")
        .inFile(f).onLineContaining("return matmul(w, h);");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void broadcastMismatchInAdd() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    return x",
        "        .plus(y);",
        "  }");
    assertThat(compile(f)).hadErrorContaining("[batch, 4] and [batch, 3] cannot be broadcast together")
        .inFile(f).onLineContaining(".plus(y);");
  }

  @Test
  void dtypeMismatch() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() { return argmax(x, 1).plus(x); }");
    assertThat(compile(f)).hadErrorContaining("operands have different dtypes, i64[batch] and f32[batch, 4]")
        .inFile(f).onLineContaining("@Fetch Tensor out()");
  }

  @Test
  void nonScalarLoss() {
    JavaFileObject f = Models.model("Bad",
        "  @Loss Tensor loss() { return reduceSum(matmul(x, w), 1); }");
    assertThat(compile(f)).hadErrorContaining("@Loss method 'loss' must return a floating-point scalar, got f32[batch]")
        .inFile(f).onLineContaining("Tensor loss()");
  }

  @Test
  void objectCreationIsUnsupported() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    Object r = new java.util.Random();",
        "    return x;",
        "  }");
    assertThat(compile(f)).hadErrorContaining("unsupported in a @Model: object creation (new java.util.Random); only @Model layers may be constructed")
        .inFile(f).onLineContaining("new java.util.Random()");
  }

  @Test
  void printingIsUnsupported() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    System.out.println(\"hello\");",
        "    return x;",
        "  }");
    assertThat(compile(f)).hadErrorContaining("unsupported in a @Model: a call to System.out.println(...); model code may call DSL ops")
        .inFile(f).onLineContaining("System.out.println");
  }

  @Test
  void whileLoopIsUnsupported() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    Tensor h = x;",
        "    int i = 0;",
        "    while (i < 3) { h = h.times(2); i++; }",
        "    return h;",
        "  }");
    assertThat(compile(f)).hadErrorContaining("unsupported in a @Model: a while loop; model code may use a for loop over compile-time values")
        .inFile(f).onLineContaining("while (i < 3)");
  }

  @Test
  void unknownIdentifier() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    return x.plus(bogus);",
        "  }");
    assertThat(compile(f)).hadErrorContaining("unknown name 'bogus'")
        .inFile(f).onLineContaining("return x.plus(bogus);");
  }

  @Test
  void inputFieldOfWrongType() {
    JavaFileObject f = Models.model("Bad",
        "  @Input int z = 3;",
        "  @Fetch Tensor out() { return x; }");
    assertThat(compile(f)).hadErrorContaining("@Input field 'z' must be of type dev.kiln.dsl.Tensor, found int")
        .inFile(f).onLineContaining("@Input int z");
  }

  @Test
  void fetchWithParameters() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out(Tensor a) { return a; }");
    assertThat(compile(f)).hadErrorContaining("@Fetch method 'out' must take no parameters (it reads the model's @Input fields), found 1 parameter")
        .inFile(f).onLineContaining("Tensor out(Tensor a)");
  }

  @Test
  void anErrorInOneModelDoesNotStopAnother() {
    JavaFileObject bad = Models.model("Bad", "  @Fetch Tensor out() { return matmul(x, x); }");
    Compilation c = compile(bad, Models.mnist());
    assertThat(c).hadErrorContaining("matmul: cannot multiply [batch, 4] by [batch, 4]")
        .inFile(bad).onLineContaining("matmul(x, x)");
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadNoteContaining("Kiln compiled model MnistSoftmax");
    // compile-testing withholds the generated files of a failed compilation; the note above is
    // printed only after every file of MnistSoftmax was written, and none was written for Bad.
    assertThat(c).hadNoteContaining("1 generated file");
  }
}

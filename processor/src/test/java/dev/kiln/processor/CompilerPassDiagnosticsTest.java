package dev.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Errors found after the graph is built (autodiff, facade naming), still reported at a line. */
class CompilerPassDiagnosticsTest {
  @Test
  void aLossThroughAnOpWithoutAGradientIsReportedAtThatOp() {
    JavaFileObject f = Models.model("Bad",
        "  @Loss Tensor loss() {",
        "    Tensor h = matmul(x, w);",
        "    Tensor shuffled = randomShuffle(h);",
        "    return reduceMean(shuffled.minus(y).square());",
        "  }");
    Compilation c = KilnProcessorTest.compile(f);
    assertThat(c).hadErrorContaining("cannot differentiate loss 'loss/ReduceMean' through"
        + " loss/RandomShuffle: randomShuffle: has no gradient")
        .inFile(f).onLineContaining("Tensor shuffled = randomShuffle(h);");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void anEntryPointNamedLikeAFacadeMethodIsRejected() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor save() { return matmul(x, w); }",
        "  @Loss Tensor loss() { return reduceMean(matmul(x, w).minus(y).square()); }",
        "  @Fetch Tensor trainer() { return matmul(x, w); }");
    Compilation c = KilnProcessorTest.compile(f);
    assertThat(c).hadErrorContaining("@Fetch method 'save' has the name of a method the generated"
        + " BadCompiled already has; rename it").inFile(f).onLineContaining("Tensor save()");
    assertThat(c).hadErrorContaining("@Fetch method 'trainer' has the name of a method the generated"
        + " BadCompiled already has; rename it").inFile(f).onLineContaining("Tensor trainer()");
    assertThat(c).hadErrorCount(2);
  }
}

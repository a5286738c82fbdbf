package dev.kiln.processor;

import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The generated facade of a small model against a reviewed copy in
 * {@code src/test/resources/golden}. After an intended change to generated code, regenerate with
 * {@code -Dkiln.updateGolden=true} and review the diff.
 */
class GoldenTest {
  private static final Path GOLDEN = Path.of(System.getProperty("basedir", "."), "src/test/resources/golden");

  @Test
  void linearFacade() throws IOException {
    JavaFileObject model = JavaFileObjects.forSourceLines("demo.Linear",
        "package demo;",
        "import static dev.kiln.dsl.Ops.*;",
        "import dev.kiln.dsl.*;",
        "@Model",
        "public class Linear {",
        "  @Input Tensor x = placeholder(F32, BATCH, 4);",
        "  @Input Tensor y = placeholder(F32, BATCH, 3);",
        "  @Param Tensor w = variable(zeros(), 4, 3);",
        "  @Param Tensor b = variable(constant(0.5), 3);",
        "  @Fetch Tensor predict() { return matmul(x, w).plus(b); }",
        "  @Loss Tensor loss() { return reduceMean(predict().minus(y).square()); }",
        "}");
    Compilation c = KilnProcessorTest.compile(model);
    assertThat(c).succeeded();
    String actual = c.generatedSourceFile("demo.LinearCompiled").orElseThrow()
        .getCharContent(true).toString();
    Path golden = GOLDEN.resolve("LinearCompiled.java");
    if (Boolean.getBoolean("kiln.updateGolden")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
    }
    assertWithMessage("golden file %s is missing; run the test with -Dkiln.updateGolden=true and review it", golden)
        .that(Files.exists(golden)).isTrue();
    assertWithMessage("generated LinearCompiled differs from %s (regenerate with -Dkiln.updateGolden=true"
        + " after reviewing the change)", golden)
        .that(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }
}

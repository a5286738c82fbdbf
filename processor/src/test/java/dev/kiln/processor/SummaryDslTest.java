package dev.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Summaries;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** scalarSummary/histogramSummary/imageSummary: scoped tags, one merged fetch, diagnostics at the line. */
class SummaryDslTest {
  @Test
  void summariesCompileIntoOneMergedFetchReturningEachTag() throws Exception {
    JavaFileObject f = Models.model("Summarized",
        "  @Fetch Tensor out() {",
        "    Tensor h = histogramSummary(\"w\", w);",
        "    imageSummary(\"x\", reshape(x, -1, 2, 2, 1));",
        "    return scope(\"train\", () -> scalarSummary(\"mse\", reduceMean(matmul(x, h).minus(y).square())));",
        "  }",
        "  @Fetch Tensor plain() { return matmul(x, w); }");
    Compilation c = KilnProcessorTest.compile(f);
    assertThat(c).succeeded();
    Object model = CompiledClasses.create(c, "demo.SummarizedCompiled", 1);
    NDArray x = NDArray.of(new float[] {1, 0, 0, 0, 0, 1, 0, 0}, 2, 4);
    NDArray y = NDArray.of(new float[] {1, 2, 3, 3, 2, 1}, 2, 3);
    Summaries s = (Summaries) model.getClass().getMethod("summaries", NDArray.class, NDArray.class)
        .invoke(model, x, y);
    assertEquals(List.of("out/w", "out/x", "out/train/mse"), List.copyOf(s.values().keySet()));
    assertEquals(Summaries.Kind.HISTOGRAM, s.kinds().get("out/w"));
    assertEquals(Summaries.Kind.IMAGE, s.kinds().get("out/x"));
    assertEquals(Summaries.Kind.SCALAR, s.kinds().get("out/train/mse"));
    assertArrayEquals(new int[] {4, 3}, s.get("out/w").shape());
    assertArrayEquals(new int[] {2, 2, 2, 1}, s.get("out/x").shape());
    float mse = (float) model.getClass().getMethod("out", NDArray.class, NDArray.class).invoke(model, x, y);
    assertEquals(mse, s.get("out/train/mse").floatValue(), 1e-6);
    assertEquals((1 + 4 + 9 + 9 + 4 + 1) / 6f, mse, 1e-6); // w is zeros
  }

  @Test
  void aScalarSummaryOfManyElementsIsAnErrorAtTheLine() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    return scalarSummary(\"all\", x);",
        "  }");
    assertThat(KilnProcessorTest.compile(f)).hadErrorContaining("scalarSummary: expected a tensor of one element,"
        + " got f32[batch, 4]; reduce it first, e.g. with reduceMean(...)").inFile(f).onLineContaining("scalarSummary(");
  }

  @Test
  void aReusedTagIsAnError() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    histogramSummary(\"t\", w);",
        "    return histogramSummary(\"t\", x);",
        "  }");
    assertThat(KilnProcessorTest.compile(f)).hadErrorContaining("histogramSummary: the tag out/t is already used"
        + " by another summary; give each summary its own tag").inFile(f).onLineContaining("return histogramSummary(");
  }

  @Test
  void imagesNeedOneThreeOrFourChannels() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    return imageSummary(\"i\", reshape(x, -1, 2, 1, 2));",
        "  }");
    assertThat(KilnProcessorTest.compile(f)).hadErrorContaining("imageSummary: expected images [h, w], [h, w, c]"
        + " or [n, h, w, c] with c 1, 3 or 4, got f32[batch, 2, 1, 2]").inFile(f).onLineContaining("imageSummary(");
  }
}

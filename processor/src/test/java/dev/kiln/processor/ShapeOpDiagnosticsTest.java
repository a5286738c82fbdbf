package dev.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Shape errors of the op-coverage issue's ops, reported by javac at the offending line. */
class ShapeOpDiagnosticsTest {
  @Test
  void concatShapeMismatchNamesBothShapes() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    Tensor h = x.times(2);",
        "    return concat(0, h, w);",
        "  }");
    Compilation c = KilnProcessorTest.compile(f);
    assertThat(c).hadErrorContaining("concat: cannot join shapes [batch, 4] and [4, 3] along axis 0:"
        + " every other dimension must be equal").inFile(f).onLineContaining("return concat(0, h, w);");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void gatherOnFloatIndices() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    return gather(w, x);",
        "  }");
    assertThat(KilnProcessorTest.compile(f))
        .hadErrorContaining("gather: expects i32 or i64 indices, got f32[batch, 4]; cast them with cast(indices, I64)")
        .inFile(f).onLineContaining("return gather(w, x);");
  }

  @Test
  void sliceOutOfRange() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    return x.slice(new int[] {0, 2},",
        "        new int[] {-1, 3});",
        "  }");
    assertThat(KilnProcessorTest.compile(f))
        .hadErrorContaining("slice: the slice of 3 from 2 is out of range for axis 1 of shape [batch, 4]")
        .inFile(f).onLineContaining("return x.slice(");
  }

  @Test
  void badAxisAndBadSplit() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor a() { return expandDims(x, 3); }",
        "  @Fetch Tensor b() { return split(x, 3, 1)[0]; }",
        "  @Fetch Tensor c() { return split(x, 2, 1)[2]; }");
    Compilation c = KilnProcessorTest.compile(f);
    assertThat(c).hadErrorContaining("expandDims: axis 3 is out of range for shape [batch, 4]")
        .inFile(f).onLineContaining("Tensor a()");
    assertThat(c).hadErrorContaining("split: cannot cut axis 1 of shape [batch, 4] into 3 equal parts")
        .inFile(f).onLineContaining("Tensor b()");
    assertThat(c).hadErrorContaining("index 2 is out of range for an array of 2 elements")
        .inFile(f).onLineContaining("Tensor c()");
    assertThat(c).hadErrorCount(3);
  }
}

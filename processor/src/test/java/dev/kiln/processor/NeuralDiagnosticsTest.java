package dev.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.model.ModelSpec;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** conv2d, pools, dropout, fused losses and value ops from model code: graphs and diagnostics. */
class NeuralDiagnosticsTest {
  /** A model over images [batch, 28, 28, 1] and a filter [5, 5, 1, 8], then {@code body}. */
  private static JavaFileObject model(String name, String... body) {
    List<String> lines = new java.util.ArrayList<>(List.of(
        "package demo;",
        "import static dev.kiln.dsl.Ops.*;",
        "import dev.kiln.dsl.*;",
        "@Model",
        "public class " + name + " {",
        "  @Input Tensor images = placeholder(F32, BATCH, 28, 28, 1);",
        "  @Input Tensor labels = placeholder(F32, BATCH, 10);",
        "  @Param Tensor filter = variable(glorotUniform(), 5, 5, 1, 8);",
        "  @Param Tensor w = variable(zeros(), 8, 10);"));
    lines.addAll(List.of(body));
    lines.add("}");
    return JavaFileObjects.forSourceLines("demo." + name, lines);
  }

  private static Compilation compile(JavaFileObject f) {
    return javac().withProcessors(new KilnProcessor()).compile(f);
  }

  @Test
  void aConvNetWithEveryNewOpCompilesAndItsGeneratedCodeCompiles() {
    JavaFileObject f = model("Net",
        "  Tensor logits() {",
        "    Tensor h = maxPool(conv2d(images, filter, 1, SAME).relu(), 2, 2, Padding.VALID);",
        "    h = avgPool(h, 2, 2, 2, 2, VALID).dropout(0.5);",
        "    Tensor pooled = reduceMean(dropout(h, 0.25), 1, 2);",
        "    return matmul(pooled, w).plus(randomNormal(new int[] {10}, 0, 0.01))",
        "        .plus(zeros(10)).plus(fill(0.5, 10)).plus(ones(1, 10));",
        "  }",
        "  @Loss Tensor loss() { return reduceMean(softmaxCrossEntropyWithLogits(labels, logits())); }",
        "  @Fetch Tensor sigmoidLoss() { return sigmoidCrossEntropyWithLogits(labels, logits()); }",
        "  @Fetch Tensor steps() { return range(0, 10, 2).cast(F32).plus(truncatedNormal(new int[] {5}, 0, 1)); }",
        "  @Fetch Tensor noise() { return randomShuffle(randomUniform(new int[] {4, 2}, -1, 1)); }",
        "  @Fetch Tensor strided() { return conv2d(images, filter, 2, 1, VALID); }");
    Compilation c = compile(f);
    assertThat(c).succeeded();
    SpecCapture capture = new SpecCapture();
    assertThat(javac().withProcessors(capture).compile(f)).succeeded();
    ModelSpec spec = capture.specs.getFirst();
    List<String> ops = spec.graph().nodes().stream().map(n -> n.op().name()).toList();
    assertThat(ops).containsAtLeast("Conv2D", "MaxPool", "AvgPool", "DropoutMask", "RandomNormal",
        "SoftmaxCrossEntropyWithLogits", "SigmoidCrossEntropyWithLogits", "TruncatedNormal",
        "RandomUniform", "RandomShuffle");
    Node conv = spec.graph().nodes().stream().filter(n -> n.op().name().equals("Conv2D")).findFirst().orElseThrow();
    assertThat(conv.attrs().<String>get("padding")).isEqualTo("SAME");
    assertThat(conv.type().toString()).isEqualTo("f32[batch, 28, 28, 8]");
    Node strided = spec.fetches().stream().filter(n -> n.name().equals("strided")).findFirst().orElseThrow().node();
    assertThat(strided.type().toString()).isEqualTo("f32[batch, 12, 24, 8]");
    Node steps = spec.graph().nodes().stream().filter(n -> n.type().toString().equals("i32[5]")).findFirst().orElseThrow();
    assertThat(steps.op().name()).isEqualTo("Const");
  }

  @Test
  void channelMismatchNamesBothShapesAtTheLine() {
    JavaFileObject f = model("Bad",
        "  @Param Tensor wide = variable(zeros(), 5, 5, 3, 8);",
        "  @Fetch Tensor out() {",
        "    Tensor h = images.relu();",
        "    return conv2d(h, wide, 1, VALID);",
        "  }");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("conv2d: the input [batch, 28, 28, 1] has 1 channels but the filter"
        + " [5, 5, 3, 8] expects 3").inFile(f).onLineContaining("return conv2d(h, wide, 1, VALID);");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void windowLargerThanTheInputWithValidPadding() {
    JavaFileObject f = model("Bad",
        "  @Fetch Tensor out() {",
        "    Tensor small = maxPool(images, 4, 4, VALID);",
        "    return maxPool(small, 9, 1, VALID);",
        "  }");
    assertThat(compile(f)).hadErrorContaining("maxPool: the 9x9 window is larger than the 7x7 input"
        + " [batch, 7, 7, 1] with VALID padding").inFile(f).onLineContaining("return maxPool(small, 9, 1, VALID);");
  }

  @Test
  void dropoutRateOutOfRange() {
    JavaFileObject f = model("Bad",
        "  @Fetch Tensor out() { return dropout(images, 1.5); }");
    assertThat(compile(f)).hadErrorContaining("dropout: the rate must be in [0, 1), got 1.5")
        .inFile(f).onLineContaining("dropout(images, 1.5)");
  }

  @Test
  void crossEntropyOfMismatchedShapes() {
    JavaFileObject f = model("Bad",
        "  @Fetch Tensor out() {",
        "    return softmaxCrossEntropyWithLogits(labels, labels.reshape(-1, 5, 2));",
        "  }");
    assertThat(compile(f)).hadErrorContaining("softmaxCrossEntropyWithLogits: labels and logits must have one"
        + " shape and dtype, got labels f32[batch, 10] and logits f32[batch, 5, 2]")
        .inFile(f).onLineContaining("return softmaxCrossEntropyWithLogits(");
  }
}

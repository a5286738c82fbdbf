package dev.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizer;
import dev.kiln.runtime.Optimizers;
import dev.kiln.runtime.SparseNDArray;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** {@code @Input SparseTensor}, sparseMatmul and sparseToDense from model source to trained model. */
class SparseDslTest {
  private static JavaFileObject model(String name, String... body) {
    List<String> lines = new ArrayList<>(List.of(
        "package demo;",
        "import static dev.kiln.dsl.Ops.*;",
        "import dev.kiln.dsl.*;",
        "@Model",
        "public class " + name + " {",
        "  static final int VOCAB = 6;",
        "  @Input SparseTensor words = sparsePlaceholder(F32, BATCH, VOCAB);",
        "  @Input Tensor labels = placeholder(F32, BATCH, 1);",
        "  @Param Tensor w = variable(zeros(), VOCAB, 1);",
        "  @Param Tensor b = variable(zeros(), 1);"));
    lines.addAll(List.of(body));
    lines.add("}");
    return JavaFileObjects.forSourceLines("demo." + name, lines);
  }

  private static Method method(Object target, String name) {
    for (Method m : target.getClass().getMethods()) {
      if (m.getName().equals(name)) {
        return m;
      }
    }
    throw new AssertionError("no method " + name);
  }

  /**
   * Sparse bag-of-words logistic regression: word 0 and 1 mean yes, 2 and 3 mean no, 4 and 5 are
   * noise; example 1 has no words at all (an empty row) and example 0 repeats word 0.
   */
  @Test
  void aSparseBagOfWordsModelCompilesAndLearns() throws Exception {
    JavaFileObject f = model("BagOfWords",
        "  Tensor logits() { return sparseMatmul(words, w).plus(b); }",
        "  @Fetch Tensor probability() { return sigmoid(logits()); }",
        "  @Fetch Tensor dense() { return sparseToDense(words); }",
        "  @Loss Tensor loss() { return reduceMean(sigmoidCrossEntropyWithLogits(labels, logits())); }");
    Compilation c = KilnProcessorTest.compile(f);
    assertThat(c).succeeded();
    String facade = c.generatedSourceFile("demo.BagOfWordsCompiled").orElseThrow().getCharContent(true).toString();
    assertTrue(facade.contains("public NDArray probability(SparseNDArray words)"), facade);
    Object model = CompiledClasses.create(c, "demo.BagOfWordsCompiled", 3);
    SparseNDArray words = SparseNDArray.of(
        new long[] {0, 0, 0, 0, 0, 4, 2, 2, 2, 5, 3, 1, 3, 5, 4, 3},
        new float[] {1, 1, 1, 1, 1, 1, 1, 1}, 5, 6);
    NDArray labels = NDArray.of(new float[] {1, 0, 0, 1, 0}, 5, 1);
    NDArray dense = (NDArray) method(model, "dense").invoke(model, words);
    assertArrayEquals(new float[] {2, 0, 0, 0, 1, 0}, java.util.Arrays.copyOfRange(dense.floats(), 0, 6));
    Object trainer = model.getClass().getMethod("trainer", Optimizer.class).invoke(model, Optimizers.sgd(1f));
    Method step = method(trainer, "step");
    float first = (float) step.invoke(trainer, words, labels);
    float last = first;
    for (int i = 0; i < 30; i++) {
      last = (float) step.invoke(trainer, words, labels);
    }
    assertTrue(last < first / 2, "loss " + first + " -> " + last);
    float[] p = ((NDArray) method(model, "probability").invoke(model, words)).floats();
    assertTrue(p[0] > 0.5f && p[2] < 0.5f && p[3] > 0.5f && p[4] < 0.5f, java.util.Arrays.toString(p));
  }

  @Test
  void sparseMatmulWithAMismatchedInnerDimensionNamesBothShapes() {
    JavaFileObject f = model("Mismatch",
        "  @Param Tensor v = variable(zeros(), 5, 1);",
        "  @Fetch Tensor out() {",
        "    return sparseMatmul(words, v);",
        "  }");
    Compilation c = KilnProcessorTest.compile(f);
    assertThat(c).hadErrorContaining("sparseMatmul: cannot multiply the sparse [batch, 6] by [5, 1]: inner"
        + " dimensions 6 and 5 differ").inFile(f).onLine(13);
  }

  @Test
  void aSparseTensorWhereATensorIsRequiredIsAnError() {
    JavaFileObject f = model("Misused",
        "  @Fetch Tensor out() {",
        "    return matmul(words, w);",
        "  }");
    Compilation c = KilnProcessorTest.compile(f);
    assertThat(c).hadErrorContaining("matmul: argument 1 must be a tensor, got the SparseTensor 'words'"
        + " f32[batch, 6] (only sparseMatmul and sparseToDense take a SparseTensor; use sparseToDense(a) for a"
        + " dense tensor)").inFile(f).onLine(12);
  }

  @Test
  void sparsePlaceholderOnlyInitializesAnInput() {
    JavaFileObject f = model("NotInput",
        "  SparseTensor other = sparsePlaceholder(F32, 3, 4);",
        "  @Fetch Tensor out() { return sparseToDense(other); }");
    Compilation c = KilnProcessorTest.compile(f);
    assertThat(c).hadErrorContaining("sparsePlaceholder(...) may only initialize an @Input field").inFile(f).onLine(11);
  }
}

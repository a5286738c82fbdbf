package dev.kiln.processor;

import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;

/** Model sources for tests. */
final class Models {
  private Models() {}

  static final String[] MNIST = {
    "package demo;",
    "import static dev.kiln.dsl.Ops.*;",
    "import dev.kiln.dsl.*;",
    "@Model",
    "public class MnistSoftmax {",
    "  static final int PIXELS = 28 * 28;",
    "  @Input Tensor examples = placeholder(F32, BATCH, PIXELS);",
    "  @Input Tensor labels   = placeholder(F32, BATCH, 10);",
    "  @Param Tensor weights  = variable(truncatedNormal(0f, 0.1f), PIXELS, 10);",
    "  @Param Tensor bias     = variable(constant(0.1f), 10);",
    "  Tensor logits()           { return matmul(examples, weights).plus(bias); }",
    "  @Fetch Tensor estimates() { return softmax(logits()); }",
    "  @Loss  Tensor loss()      { return reduceMean(reduceSum(labels.times(log(estimates())), 1).neg()); }",
    "  @Fetch Tensor accuracy()  { return reduceMean(cast(equal(argmax(estimates(), 1), argmax(labels, 1)), F32)); }",
    "}",
  };

  static JavaFileObject mnist() {
    return JavaFileObjects.forSourceLines("demo.MnistSoftmax", MNIST);
  }

  /**
   * A model {@code demo.<name>} with the standard imports, inputs x [batch, 4] and y [batch, 3],
   * a parameter w [4, 3], and then {@code body} lines.
   */
  static JavaFileObject model(String name, String... body) {
    List<String> lines = new ArrayList<>(List.of(
        "package demo;",
        "import static dev.kiln.dsl.Ops.*;",
        "import dev.kiln.dsl.*;",
        "@Model",
        "public class " + name + " {",
        "  @Input Tensor x = placeholder(F32, BATCH, 4);",
        "  @Input Tensor y = placeholder(F32, BATCH, 3);",
        "  @Param Tensor w = variable(zeros(), 4, 3);"));
    lines.addAll(List.of(body));
    lines.add("}");
    return JavaFileObjects.forSourceLines("demo." + name, lines);
  }
}

package dev.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.compiler.ops.StandardOps;
import dev.kiln.dsl.Ops;
import dev.kiln.dsl.Tensor;
import dev.kiln.processor.eval.DslTable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** The evaluator up to the ModelSpec: what graphs model code builds, and what it rejects. */
class EvaluatorTest {
  private static ModelSpec spec(JavaFileObject... sources) {
    SpecCapture capture = new SpecCapture();
    Compilation c = javac().withProcessors(capture).compile(sources);
    assertThat(c).succeeded();
    assertThat(capture.specs).hasSize(1);
    return capture.specs.getFirst();
  }

  private static Compilation front(JavaFileObject... sources) {
    return javac().withProcessors(new SpecCapture()).compile(sources);
  }

  private static List<String> ops(ModelSpec s) {
    return s.graph().nodes().stream().map(n -> n.op().name()).toList();
  }

  @Test
  void mnistGraph() {
    ModelSpec s = spec(Models.mnist());
    assertThat(s.packageName()).isEqualTo("demo");
    assertThat(s.simpleName()).isEqualTo("MnistSoftmax");
    assertThat(s.inputs().stream().map(Node::name).toList()).containsExactly("examples", "labels").inOrder();
    assertThat(s.inputs().getFirst().type().toString()).isEqualTo("f32[batch, 784]");
    assertThat(s.params().stream().map(Node::name).toList()).containsExactly("weights", "bias").inOrder();
    assertThat(s.params().getFirst().attrs().<String>get("init")).isEqualTo("truncatedNormal");
    assertThat(s.fetches().stream().map(ModelSpec.Named::name).toList()).containsExactly("estimates", "accuracy").inOrder();
    assertThat(s.losses().getFirst().node().type().toString()).isEqualTo("f32[]");
    // estimates() is called three times but memoized: one softmax, named in its scope.
    assertThat(ops(s).stream().filter(o -> o.equals("Softmax")).count()).isEqualTo(1);
    assertThat(s.fetches().getFirst().node().name()).isEqualTo("estimates/Softmax");
    assertThat(s.graph().nodes().stream().map(Node::name).toList()).contains("estimates/logits/MatMul");
    assertThat(s.fetches().getFirst().node().origin().toString()).isEqualTo("MnistSoftmax.java:12: softmax(logits())");
  }

  @Test
  void constantsLoopsBranchesAndHelpers() {
    JavaFileObject consts = JavaFileObjects.forSourceLines("demo.Sizes",
        "package demo;",
        "import dev.kiln.dsl.Dim;",
        "public final class Sizes {",
        "  public static final int HIDDEN = 2 + 3;",
        "  public static final Dim SEQ = Dim.named(\"seq\");",
        "}");
    JavaFileObject model = JavaFileObjects.forSourceLines("demo.Deep",
        "package demo;",
        "import static dev.kiln.dsl.Ops.*;",
        "import dev.kiln.dsl.*;",
        "@Model",
        "public class Deep {",
        "  static final int LAYERS = 3;",
        "  static final boolean RELU = LAYERS > 2;",
        "  @Input Tensor x = placeholder(F32, BATCH, Sizes.SEQ, Sizes.HIDDEN);",
        "  @Param Tensor w = variable(Ops.glorotUniform(), Sizes.HIDDEN, Sizes.HIDDEN);",
        "  Tensor layer(Tensor in, double scale) {",
        "    var h = in.times(scale);",
        "    return RELU ? relu(h) : tanh(h);",
        "  }",
        "  @Fetch Tensor out() {",
        "    Tensor h = x.sum(1);",
        "    for (int i = 0; i < LAYERS; i++) {",
        "      if (i % 2 == 0) { h = layer(matmul(h, w), 0.5 * (i + 1)); } else h = h.plus(scalar(1));",
        "    }",
        "    return (Tensor) h.mean(-1);",
        "  }",
        "}");
    ModelSpec s = spec(consts, model);
    assertThat(s.inputs().getFirst().type().toString()).isEqualTo("f32[batch, seq, 5]");
    assertThat(ops(s).stream().filter(o -> o.equals("MatMul")).count()).isEqualTo(2);
    assertThat(ops(s).stream().filter(o -> o.equals("Relu")).count()).isEqualTo(2);
    assertThat(s.fetches().getFirst().node().type().rank()).isEqualTo(1);
    assertThat(s.graph().nodes().stream().map(Node::name).toList()).contains("out/layer/Relu");
  }

  @Test
  void scalarsTakeTheTensorsDtype() {
    ModelSpec s = spec(JavaFileObjects.forSourceLines("demo.D",
        "package demo;",
        "import static dev.kiln.dsl.Ops.*;",
        "import dev.kiln.dsl.*;",
        "@Model class D {",
        "  @Input Tensor x = placeholder(F64, 3);",
        "  @Fetch Tensor a() { return x.times(2).plus(scalar(1.5)); }",
        "}"));
    assertThat(s.graph().nodes().stream().filter(n -> n.op() == StandardOps.CONSTANT)
        .map(n -> n.type().toString()).toList()).containsExactly("f64[]", "f64[]");
  }

  @Test
  void placeholderOutsideAnInputField() {
    JavaFileObject f = Models.model("Bad", "  @Fetch Tensor out() { return placeholder(F32, 3); }");
    assertThat(front(f)).hadErrorContaining("placeholder(...) may only initialize an @Input field")
        .inFile(f).onLineContaining("return placeholder");
  }

  @Test
  void tensorConditionIsRejected() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    int n = 0;",
        "    n += 2;",
        "    if (n > 1) { return x; }",
        "    return x.less(x) == null ? x : x;",
        "  }");
    assertThat(front(f)).succeeded(); // the branch returns before the unsupported expression
    JavaFileObject g = Models.model("Bad2",
        "  @Fetch Tensor out() {",
        "    return new Object() == null ? x : x;",
        "  }");
    assertThat(front(g)).hadErrorContaining("unsupported in a @Model: object creation (new Object)")
        .inFile(g).onLineContaining("new Object()");
  }

  @Test
  void fieldAssignmentAndRecursionAreRejected() {
    JavaFileObject f = Models.model("Bad",
        "  Tensor cache = null;",
        "  Tensor again() { return again(); }",
        "  @Fetch Tensor out() { cache = x; return x; }",
        "  @Fetch Tensor out2() { return again(); }");
    Compilation c = front(f);
    assertThat(c).hadErrorContaining("unsupported in a @Model: an assignment to 'cache'; model code may assign only its own local variables")
        .inFile(f).onLineContaining("cache = x;");
    assertThat(c).hadErrorContaining("unsupported in a @Model: the recursive call of 'again()'")
        .inFile(f).onLineContaining("Tensor again()");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void lossFailureReportedOnceWhenShared() {
    JavaFileObject f = Models.model("Bad",
        "  Tensor h() { return matmul(w, x); }",
        "  @Fetch Tensor a() { return h(); }",
        "  @Fetch Tensor b() { return h().neg(); }");
    Compilation c = front(f);
    assertThat(c).hadErrorContaining("matmul: cannot multiply").inFile(f).onLineContaining("Tensor h()");
    assertThat(c).hadErrorCount(1);
  }

  /** Every public method of Ops and Tensor, and every Ops constant, is in the DSL table. */
  @Test
  void dslTableCoversTheWholeDsl() {
    for (Method m : Ops.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers())) {
        assertThat(DslTable.opsMethods()).contains(m.getName());
      }
    }
    for (Method m : Tensor.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers())) {
        assertThat(DslTable.tensorMethods()).contains(m.getName());
      }
    }
    for (Field f : Ops.class.getDeclaredFields()) {
      if (Modifier.isPublic(f.getModifiers())) {
        assertThat(DslTable.opsConstants()).contains(f.getName());
      }
    }
  }
}

package dev.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.processor.eval.ModelSources;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers: @Model classes held in fields of a model, built from constant constructor arguments. */
class SubModelTest {
  static final String[] ACTIVATION = {
    "package lib;",
    "public enum Activation { NONE, RELU, TANH }",
  };

  /** A dense layer whose variables are assigned by its constructor from its arguments. */
  static final String[] DENSE = {
    "package lib;",
    "import static dev.kiln.dsl.Ops.*;",
    "import dev.kiln.dsl.*;",
    "@Model",
    "public class Dense {",
    "  final int in;",
    "  final int out;",
    "  final Activation activation;",
    "  @Param Tensor weights;",
    "  @Param Tensor bias;",
    "  public Dense(int in, int out, Activation activation) {",
    "    this.in = in;",
    "    this.out = out;",
    "    this.activation = activation;",
    "    weights = variable(glorotUniform(), in, out);",
    "    bias = variable(zeros(), out);",
    "  }",
    "  public Tensor apply(Tensor x) {",
    "    Tensor y = matmul(x, weights).plus(bias);",
    "    if (activation == Activation.RELU) { return relu(y); }",
    "    return activation == Activation.TANH ? tanh(y) : y;",
    "  }",
    "}",
  };

  /** A layer of layers: the nested layers' variables are named under both fields. */
  static final String[] ENCODER = {
    "package lib;",
    "import dev.kiln.dsl.*;",
    "@Model",
    "public class Encoder {",
    "  final Dense first;",
    "  Dense second;",
    "  public Encoder(int in, int hidden, int out) {",
    "    first = new Dense(in, hidden, Activation.TANH);",
    "    second = new Dense(hidden, out, Activation.NONE);",
    "  }",
    "  public Tensor apply(Tensor x) { return second.apply(first.apply(x)); }",
    "  public int width() { return second.out; }",
    "}",
  };

  static JavaFileObject activation() {
    return JavaFileObjects.forSourceLines("lib.Activation", ACTIVATION);
  }

  static JavaFileObject dense() {
    return JavaFileObjects.forSourceLines("lib.Dense", DENSE);
  }

  static JavaFileObject encoder() {
    return JavaFileObjects.forSourceLines("lib.Encoder", ENCODER);
  }

  /** A classifier: x [batch, 4] through an encoder and a head to 3 classes. */
  static JavaFileObject classifier() {
    return JavaFileObjects.forSourceLines("demo.Classifier",
        "package demo;",
        "import static dev.kiln.dsl.Ops.*;",
        "import static lib.Activation.*;",
        "import dev.kiln.dsl.*;",
        "import lib.*;",
        "@Model",
        "public class Classifier {",
        "  @Input Tensor x = placeholder(F32, BATCH, 4);",
        "  @Input Tensor y = placeholder(F32, BATCH, 3);",
        "  Encoder enc = new Encoder(4, 8, 6);",
        "  Dense head = new Dense(6, 3, NONE);",
        "  Tensor logits() { return head.apply(enc.apply(x)); }",
        "  @Fetch Tensor estimates() { return softmax(logits()); }",
        "  @Loss Tensor loss() { return reduceMean(reduceSum(y.times(logSoftmax(logits())), 1).neg()); }",
        "}");
  }

  private static ModelSpec spec(JavaFileObject... sources) {
    SpecCapture capture = new SpecCapture();
    Compilation c = javac().withProcessors(capture).compile(sources);
    assertThat(c).succeeded();
    assertThat(capture.specs).hasSize(1);
    return capture.specs.getFirst();
  }

  private static List<String> names(List<Node> nodes) {
    return nodes.stream().map(Node::name).toList();
  }

  @Test
  void nestedLayersNameTheirVariablesAndScopesByField() {
    ModelSpec s = spec(activation(), dense(), encoder(), classifier());
    assertThat(names(s.params())).containsExactly("enc/first/weights", "enc/first/bias",
        "enc/second/weights", "enc/second/bias", "head/weights", "head/bias").inOrder();
    assertThat(s.params().stream().map(p -> p.attrs().<String>get("name")).toList())
        .containsExactly("enc/first/weights", "enc/first/bias", "enc/second/weights", "enc/second/bias",
            "head/weights", "head/bias").inOrder();
    assertThat(s.params().getFirst().type().toString()).isEqualTo("f32[4, 8]");
    assertThat(s.params().getFirst().attrs().<String>get("init")).isEqualTo("glorotUniform");
    assertThat(s.params().get(4).type().toString()).isEqualTo("f32[6, 3]");
    List<String> nodes = names(s.graph().nodes());
    assertThat(nodes).containsAtLeast("estimates/logits/enc/first/MatMul", "estimates/logits/enc/first/Tanh",
        "estimates/logits/enc/second/MatMul", "estimates/logits/head/MatMul");
    // The head's activation is NONE: no Relu or Tanh under head/.
    assertThat(nodes.stream().filter(n -> n.startsWith("estimates/logits/head/")).toList())
        .containsNoneOf("estimates/logits/head/Relu", "estimates/logits/head/Tanh");
  }

  @Test
  void aLayerHeldByTwoFieldsSharesItsVariablesAndConstructorArgumentsAreConverted() {
    ModelSpec s = spec(activation(), dense(), JavaFileObjects.forSourceLines("demo.Shared",
        "package demo;",
        "import static dev.kiln.dsl.Ops.*;",
        "import dev.kiln.dsl.*;",
        "import lib.*;",
        "@Model",
        "public class Shared {",
        "  static final int WIDTH = 2 * 2;",
        "  @Input Tensor x = placeholder(F32, BATCH, WIDTH);",
        "  final Dense layer;",
        "  final Dense alias;",
        "  Shared() {",
        "    int w = WIDTH;",
        "    layer = new Dense(w, w, Activation.RELU);",
        "    alias = layer;",
        "  }",
        "  @Fetch Tensor out() { return alias.apply(layer.apply(x)); }",
        "}"));
    assertThat(names(s.params())).containsExactly("layer/weights", "layer/bias").inOrder();
    assertThat(names(s.graph().nodes())).containsAtLeast("out/layer/MatMul", "out/layer/MatMul_1");
  }

  @Test
  void gradientsReachTheLayersVariablesAndTrainingLowersTheLoss() throws Exception {
    Compilation c = javac().withProcessors(new KilnProcessor())
        .compile(activation(), dense(), encoder(), classifier());
    assertThat(c).succeeded();
    assertThat(c).hadNoteContaining("Kiln checked layer Dense");
    assertThat(c).generatedFile(StandardLocation.CLASS_OUTPUT, "lib", "Dense" + ModelSources.SUFFIX);
    Class<?> cls = CompiledClasses.load(c).loadClass("demo.ClassifierCompiled");
    Object model = cls.getMethod("create", long.class).invoke(null, 7L);
    @SuppressWarnings("unchecked")
    Map<String, NDArray> vars = (Map<String, NDArray>) cls.getMethod("variables").invoke(model);
    assertThat(vars.keySet()).containsExactly("enc/first/weights", "enc/first/bias", "enc/second/weights",
        "enc/second/bias", "head/weights", "head/bias").inOrder();
    Object trainer = cls.getMethod("trainer", dev.kiln.runtime.Optimizer.class).invoke(model, Optimizers.sgd(0.5f));
    Method step = trainer.getClass().getMethod("step", NDArray.class, NDArray.class);
    NDArray[] data = data(64);
    float first = (float) step.invoke(trainer, data[0], data[1]);
    float[] firstWeights = vars.get("enc/first/weights").floats().clone();
    float last = first;
    for (int i = 0; i < 60; i++) {
      last = (float) step.invoke(trainer, data[0], data[1]);
    }
    assertThat(last).isLessThan(first * 0.5f);
    // The innermost layer's weights moved: gradients flow through both nesting levels.
    assertThat(vars.get("enc/first/weights").floats().clone()).isNotEqualTo(firstWeights);
  }

  @Test
  void objectCreationOfAnOrdinaryClassIsRejectedAtItsLine() {
    JavaFileObject f = JavaFileObjects.forSourceLines("demo.Bad",
        "package demo;",
        "import static dev.kiln.dsl.Ops.*;",
        "import dev.kiln.dsl.*;",
        "@Model",
        "public class Bad {",
        "  @Input Tensor x = placeholder(F32, BATCH, 4);",
        "  StringBuilder notALayer = new StringBuilder();",
        "  @Fetch Tensor out() { notALayer.length(); return x; }",
        "}");
    Compilation c = javac().withProcessors(new KilnProcessor()).compile(f);
    assertThat(c).hadErrorContaining("unsupported in a @Model: object creation (new StringBuilder);"
        + " only @Model layers may be constructed").inFile(f).onLineContaining("new StringBuilder()");
  }

  @Test
  void aLayerCreatedInAMethodIsRejected() {
    JavaFileObject f = JavaFileObjects.forSourceLines("demo.Bad",
        "package demo;",
        "import static dev.kiln.dsl.Ops.*;",
        "import dev.kiln.dsl.*;",
        "import lib.*;",
        "@Model",
        "public class Bad {",
        "  @Input Tensor x = placeholder(F32, BATCH, 4);",
        "  @Fetch Tensor out() {",
        "    Dense d = new Dense(4, 4, Activation.NONE);",
        "    return d.apply(x);",
        "  }",
        "}");
    Compilation c = javac().withProcessors(new KilnProcessor()).compile(activation(), dense(), f);
    assertThat(c).hadErrorContaining("unsupported in a @Model: creating layer Dense here; a layer is created once,"
        + " as the value of a field").inFile(f).onLineContaining("new Dense(4, 4, Activation.NONE)");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aShapeErrorInsideALayerIsReportedAtTheLayersLine() {
    JavaFileObject f = JavaFileObjects.forSourceLines("demo.Bad",
        "package demo;",
        "import static dev.kiln.dsl.Ops.*;",
        "import dev.kiln.dsl.*;",
        "import lib.*;",
        "@Model",
        "public class Bad {",
        "  @Input Tensor x = placeholder(F32, BATCH, 5);",
        "  Dense d = new Dense(4, 2, Activation.NONE);",
        "  @Fetch Tensor out() { return d.apply(x); }",
        "}");
    Compilation c = javac().withProcessors(new KilnProcessor()).compile(activation(), dense(), f);
    assertThat(c).hadErrorContaining("matmul: cannot multiply [batch, 5] by [4, 2]")
        .inFile(dense()).onLineContaining("matmul(x, weights)");
  }

  @Test
  void aLayerVariableItsConstructorNeverAssignsIsReportedAtTheField() {
    JavaFileObject layer = JavaFileObjects.forSourceLines("lib.Half",
        "package lib;",
        "import static dev.kiln.dsl.Ops.*;",
        "import dev.kiln.dsl.*;",
        "@Model",
        "public class Half {",
        "  @Param Tensor weights;",
        "  @Param Tensor bias;",
        "  public Half(int n) { weights = variable(zeros(), n, n); }",
        "  public Tensor apply(Tensor x) { return matmul(x, weights).plus(bias); }",
        "}");
    JavaFileObject f = Models.model("UsesHalf",
        "  lib.Half half = new lib.Half(4);",
        "  @Fetch Tensor out() { return half.apply(x); }");
    Compilation c = javac().withProcessors(new KilnProcessor()).compile(layer, f);
    assertThat(c).hadErrorContaining("@Param field 'bias' of Half has no value: model code may use fields with an"
        + " initializer or assigned by the constructor; initialize it with variable(...)")
        .inFile(layer).onLineContaining("@Param Tensor bias;");
    assertThat(c).hadErrorCount(1);
  }

  // ---- across jars ----------------------------------------------------------------------------

  /** A model that uses lib.Dense from the class path only (no source in this compilation). */
  static JavaFileObject user() {
    return JavaFileObjects.forSourceLines("demo.User",
        "package demo;",
        "import static dev.kiln.dsl.Ops.*;",
        "import dev.kiln.dsl.*;",
        "import lib.*;",
        "@Model",
        "public class User {",
        "  @Input Tensor x = placeholder(F32, BATCH, 4);",
        "  Dense hidden = new Dense(4, 8, Activation.RELU);",
        "  Dense out = new Dense(8, 2, Activation.NONE);",
        "  @Fetch Tensor logits() { return out.apply(hidden.apply(x)); }",
        "}");
  }

  @Test
  void aLayerFromAnotherJarIsInlinedFromItsShippedSource(@TempDir Path jar) throws IOException {
    Compilation lib = javac().withProcessors(new KilnProcessor()).compile(activation(), dense());
    assertThat(lib).succeeded();
    writeOutputs(lib, jar);
    assertThat(Files.exists(jar.resolve("lib/Dense.kiln-source"))).isTrue();

    SpecCapture capture = new SpecCapture();
    Compilation c = javac().withProcessors(capture).withClasspath(classpathWith(jar)).compile(user());
    assertThat(c).succeeded();
    ModelSpec s = capture.specs.getFirst();
    assertThat(names(s.params())).containsExactly("hidden/weights", "hidden/bias", "out/weights", "out/bias").inOrder();
    assertThat(names(s.graph().nodes())).containsAtLeast("logits/hidden/MatMul", "logits/hidden/Relu", "logits/out/MatMul");
    Node matmul = s.graph().nodes().stream().filter(n -> n.name().equals("logits/hidden/MatMul")).findFirst().orElseThrow();
    assertThat(matmul.origin().toString()).isEqualTo("Dense.java:19: matmul(x, weights)");

    // The whole processor too: the facade is generated for a model whose layer came from a jar.
    Compilation full = javac().withProcessors(new KilnProcessor()).withClasspath(classpathWith(jar)).compile(user());
    assertThat(full).succeeded();
    assertThat(full).generatedSourceFile("demo.UserCompiled");
  }

  @Test
  void anErrorInsideAShippedLayerIsReportedAtTheUse(@TempDir Path jar) {
    Compilation lib = javac().withProcessors(new KilnProcessor()).compile(activation(), dense());
    writeOutputs(lib, jar);
    JavaFileObject f = JavaFileObjects.forSourceLines("demo.Bad",
        "package demo;",
        "import static dev.kiln.dsl.Ops.*;",
        "import dev.kiln.dsl.*;",
        "import lib.*;",
        "@Model",
        "public class Bad {",
        "  @Input Tensor x = placeholder(F32, BATCH, 5);",
        "  Dense d = new Dense(4, 2, Activation.NONE);",
        "  @Fetch Tensor out() {",
        "    return d.apply(x);",
        "  }",
        "}");
    Compilation c = javac().withProcessors(new KilnProcessor()).withClasspath(classpathWith(jar)).compile(f);
    assertThat(c).hadErrorContaining("in lib.Dense (Dense.java:19): matmul: cannot multiply [batch, 5] by [4, 2]")
        .inFile(f).onLineContaining("return d.apply(x);");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aLayerCompiledWithoutKilnIsAClearError(@TempDir Path jar) {
    Compilation lib = javac().compile(activation(), dense()); // no processor: no shipped source
    assertThat(lib).succeeded();
    writeOutputs(lib, jar);
    JavaFileObject f = user();
    Compilation c = javac().withProcessors(new KilnProcessor()).withClasspath(classpathWith(jar)).compile(f);
    assertThat(c).hadErrorContaining("layer lib.Dense was compiled without Kiln's processor; its jar must be"
        + " built with kiln-processor on annotationProcessorPaths").inFile(f).onLineContaining("Dense hidden = new Dense");
  }

  private static Path jar(Path dir) {
    Path jar = dir.resolve("layer.jar");
    try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
        var files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).filter(f -> !f.equals(jar))::iterator) {
        out.putNextEntry(new java.util.jar.JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return jar;
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** Writes a compilation's class files and class-output resources under {@code dir}, as a jar would hold them. */
  private static void writeOutputs(Compilation c, Path dir) {
    for (JavaFileObject f : c.generatedFiles()) {
      String path = f.toUri().getPath();
      int at = path.indexOf("/CLASS_OUTPUT/");
      if (at < 0) {
        continue;
      }
      Path target = dir.resolve(path.substring(at + "/CLASS_OUTPUT/".length()));
      try (InputStream in = f.openInputStream()) {
        Files.createDirectories(target.getParent());
        Files.write(target, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * The test's class path (DSL, runtime) plus {@code dir} packed as a real jar: the layer is there
   * as classes and shipped resources only, read through javac's jar file system as a user's build
   * reads a dependency.
   */
  private static List<File> classpathWith(Path dir) {
    List<File> cp = new ArrayList<>();
    cp.add(jar(dir).toFile());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      cp.add(new File(entry));
    }
    return cp;
  }

  

  /** Two separable classes of 4-feature points, one-hot labels over 3 classes (the third unused). */
  private static NDArray[] data(int n) {
    SplittableRandom rng = new SplittableRandom(3);
    float[] x = new float[n * 4];
    float[] y = new float[n * 3];
    for (int i = 0; i < n; i++) {
      int k = i % 2;
      y[i * 3 + k] = 1;
      for (int j = 0; j < 4; j++) {
        x[i * 4 + j] = (k == 0 ? 1f : -1f) * (j % 2 == 0 ? 1f : 0.5f) + 0.2f * (float) rng.nextGaussian();
      }
    }
    return new NDArray[] {NDArray.of(x, n, 4), NDArray.of(y, n, 3)};
  }
}

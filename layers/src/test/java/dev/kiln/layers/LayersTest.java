package dev.kiln.layers;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.kiln.processor.KilnProcessor;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizer;
import dev.kiln.runtime.Optimizers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Models built against the compiled layers, as a user's build sees them: only class files and the
 * shipped sources (dev/kiln/layers/*.kiln-source) are on the class path, never the layers' sources.
 */
class LayersTest {
  private static final String HEADER = String.join("\n",
      "package demo;",
      "import static dev.kiln.dsl.Ops.*;",
      "import dev.kiln.dsl.*;",
      "import dev.kiln.layers.*;",
      "");

  private static Compilation compile(String name, String body) {
    JavaFileObject f = JavaFileObjects.forSourceString("demo." + name, HEADER + body);
    return javac().withProcessors(new KilnProcessor()).compile(f);
  }

  @Test
  void theLayersComeFromTheClassPathWithTheirShippedSources() {
    assertThat(LayersTest.class.getResource("/dev/kiln/layers/Dense.kiln-source")).isNotNull();
    assertThat(LayersTest.class.getResource("/dev/kiln/layers/LSTM.kiln-source")).isNotNull();
  }

  @Test
  void aTwoLayerPerceptronTrains() throws Exception {
    Compilation c = compile("Mlp", String.join("\n",
        "@Model public class Mlp {",
        "  @Input Tensor x = placeholder(F32, BATCH, 4);",
        "  @Input Tensor y = placeholder(F32, BATCH, 2);",
        "  Dense hidden = new Dense(4, 16, Activation.RELU);",
        "  Dense out = new Dense(16, 2);",
        "  @Fetch Tensor logits() { return out.apply(hidden.apply(x)); }",
        "  @Loss Tensor loss() { return reduceMean(softmaxCrossEntropyWithLogits(y, logits())); }",
        "}"));
    assertThat(c).succeeded();
    Trained t = train(c, "demo.MlpCompiled", Optimizers.sgd(0.5f), labelled(64, true), 80);
    assertThat(t.variables()).containsExactly("hidden/weights", "hidden/bias", "out/weights", "out/bias").inOrder();
    assertThat(t.last()).isLessThan(t.first() * 0.5f);
  }

  @Test
  void anLstmUnrolledOverTheSequenceTrains() throws Exception {
    Compilation c = compile("Seq", String.join("\n",
        "@Model public class Seq {",
        "  static final int STEPS = 3;",
        "  @Input Tensor x = placeholder(F32, BATCH, STEPS, 4);",
        "  @Input Tensor y = placeholder(F32, BATCH, 2);",
        "  LSTM lstm = new LSTM(4, 8, STEPS);",
        "  Dense head = new Dense(8, 2);",
        "  @Fetch Tensor logits() { return head.apply(lstm.run(x)); }",
        "  @Loss Tensor loss() { return reduceMean(softmaxCrossEntropyWithLogits(y, logits())); }",
        "}"));
    assertThat(c).succeeded();
    NDArray[] flat = labelled(64, false);
    float[] seq = new float[64 * 3 * 4];
    for (int i = 0; i < 64; i++) {
      for (int s = 0; s < 3; s++) {
        System.arraycopy(flat[0].floats(), i * 4, seq, (i * 3 + s) * 4, 4);
      }
    }
    NDArray[] data = {NDArray.of(seq, 64, 3, 4), flat[1]};
    Trained t = train(c, "demo.SeqCompiled", Optimizers.sgd(0.5f), data, 60);
    assertThat(t.variables()).containsExactly("lstm/cell/kernel", "lstm/cell/bias", "head/weights", "head/bias").inOrder();
    assertThat(t.last()).isLessThan(t.first() * 0.5f);
  }

  @Test
  void embeddingConvolutionPoolingAndDropoutCompile() {
    Compilation c = compile("Mixed", String.join("\n",
        "@Model public class Mixed {",
        "  @Input Tensor ids = placeholder(I32, BATCH);",
        "  @Input Tensor image = placeholder(F32, BATCH, 8, 8, 1);",
        "  Embedding words = new Embedding(10, 4);",
        "  Conv2D conv = new Conv2D(1, 2, 3, 1, SAME, Activation.RELU);",
        "  MaxPool pool = new MaxPool(2, 2, VALID);",
        "  Dropout drop = new Dropout(0.25);",
        "  Dense head = new Dense(32, 4);",
        "  @Fetch Tensor features() {",
        "    Tensor pooled = reshape(pool.apply(conv.apply(image)), -1, 32);",
        "    return drop.apply(head.apply(pooled)).plus(words.lookup(ids));",
        "  }",
        "}"));
    assertThat(c).succeeded();
  }

  @Test
  void aShapeErrorInsideAShippedLayerIsReportedAtTheUse() {
    JavaFileObject f = JavaFileObjects.forSourceString("demo.Bad", HEADER + String.join("\n",
        "@Model public class Bad {",
        "  @Input Tensor x = placeholder(F32, BATCH, 5);",
        "  Dense d = new Dense(4, 2);",
        "  @Fetch Tensor out() {",
        "    return d.apply(x);",
        "  }",
        "}"));
    Compilation c = javac().withProcessors(new KilnProcessor()).compile(f);
    assertThat(c).hadErrorContaining("in dev.kiln.layers.Dense (Dense.java:37): matmul").inFile(f).onLineContaining("return d.apply(x);");
    assertThat(c).hadErrorContaining("matmul: cannot multiply [batch, 5] by [4, 2]");
  }

  // ---- helpers --------------------------------------------------------------------------------

  record Trained(java.util.Set<String> variables, float first, float last) {}

  private static Trained train(Compilation c, String className, Optimizer optimizer, NDArray[] data, int steps)
      throws Exception {
    Class<?> cls = load(c).loadClass(className);
    Object model = cls.getMethod("create", long.class).invoke(null, 11L);
    @SuppressWarnings("unchecked")
    Map<String, NDArray> vars = (Map<String, NDArray>) cls.getMethod("variables").invoke(model);
    Object trainer = cls.getMethod("trainer", Optimizer.class).invoke(model, optimizer);
    Method step = trainer.getClass().getMethod("step", NDArray.class, NDArray.class);
    float first = (float) step.invoke(trainer, data[0], data[1]);
    float last = first;
    for (int i = 0; i < steps; i++) {
      last = (float) step.invoke(trainer, data[0], data[1]);
    }
    return new Trained(vars.keySet(), first, last);
  }

  /**
   * Points in [-1, 1]^4 labelled by the sign of x0·x1 ({@code xor}: not linearly separable, so the
   * hidden layer matters) or else of x0 + x1.
   */
  private static NDArray[] labelled(int n, boolean xor) {
    SplittableRandom rng = new SplittableRandom(5);
    float[] x = new float[n * 4];
    float[] y = new float[n * 2];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 4; j++) {
        x[i * 4 + j] = (float) (rng.nextDouble() * 2 - 1);
      }
      boolean positive = xor ? x[i * 4] * x[i * 4 + 1] > 0 : x[i * 4] + x[i * 4 + 1] > 0;
      y[i * 2 + (positive ? 1 : 0)] = 1;
    }
    return new NDArray[] {NDArray.of(x, n, 4), NDArray.of(y, n, 2)};
  }

  private static ClassLoader load(Compilation c) {
    Map<String, byte[]> classes = new HashMap<>();
    for (JavaFileObject f : c.generatedFiles()) {
      if (f.getKind() == JavaFileObject.Kind.CLASS) {
        String path = f.toUri().getPath();
        String name = path.substring(path.indexOf("/CLASS_OUTPUT/") + "/CLASS_OUTPUT/".length())
            .replace(".class", "").replace('/', '.');
        try (InputStream in = f.openInputStream()) {
          classes.put(name, in.readAllBytes());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return new ClassLoader(LayersTest.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] b = classes.get(name);
        if (b == null) {
          throw new ClassNotFoundException(name);
        }
        return defineClass(name, b, 0, b.length);
      }
    };
  }
}

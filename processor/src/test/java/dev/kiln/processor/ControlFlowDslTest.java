package dev.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * cond, whileLoop and scan written in model source: the lambdas become regions, the generated
 * code runs them (checked against values computed here by hand), an RNN over sequences of
 * lengths 3 and 7 trains through one compiled model, and each misuse is an error at its line.
 */
class ControlFlowDslTest {
  private static final float TOLERANCE = 1e-5f;

  private static Compilation compile(JavaFileObject... f) {
    return KilnProcessorTest.compile(f);
  }

  // ---- running ------------------------------------------------------------------------------

  @Test
  void condWhileLoopAtAndLengthRunAsComputedByHand() throws Exception {
    JavaFileObject f = Models.model("Flow",
        "  @Input Tensor n = placeholder(F32);",
        "  @Fetch Tensor power() {",
        "    Tensor one = x.times(0).plus(1);",
        "    return whileLoop(v -> less(v[0], n),",
        "        v -> new Tensor[] {v[0].plus(1), v[1].times(x)},",
        "        scalar(0), one)[1];",
        "  }",
        "  @Fetch Tensor signed() { return cond(greater(reduceSum(x), scalar(0)), () -> x.times(2), () -> x.neg()); }",
        // A loop inside a branch: n and x are captured through two regions.
        "  @Fetch Tensor guarded() {",
        "    return cond(less(n, scalar(0)), () -> x.times(0), () -> {",
        "      Tensor[] r = whileLoop(v -> less(v[0], n), v -> new Tensor[] {v[0].plus(1), v[1].times(x)},",
        "          scalar(0), x.times(0).plus(1));",
        "      return r[1];",
        "    });",
        "  }",
        "  @Fetch Tensor rows() { return cast(length(x), F32); }",
        "  @Fetch Tensor second() { return at(x, cast(scalar(1), I32)); }");
    Compilation c = compile(f);
    assertThat(c).succeeded();
    String source = c.generatedSourceFile("demo.FlowCompiled").orElseThrow().getCharContent(true).toString();
    assertThat(source).contains("while (true)");
    Class<?> cls = CompiledClasses.load(c).loadClass("demo.FlowCompiled");
    Object model = cls.getMethod("create", long.class).invoke(null, 1L);
    float[] xv = {0.5f, -1.5f, 2f, 0.25f, 1f, -0.5f, 3f, 1.25f};
    NDArray x = NDArray.of(xv, 2, 4);
    for (int n : new int[] {0, 1, 3}) {
      float[] expected = new float[8];
      for (int i = 0; i < 8; i++) {
        expected[i] = (float) Math.pow(xv[i], n);
      }
      NDArray nv = NDArray.scalar((float) n);
      assertClose(floats(cls.getMethod("power", NDArray.class, NDArray.class).invoke(model, x, nv)), expected);
      assertClose(floats(cls.getMethod("guarded", NDArray.class, NDArray.class).invoke(model, x, nv)), expected);
    }
    float[] zeros = new float[8];
    assertClose(floats(cls.getMethod("guarded", NDArray.class, NDArray.class)
        .invoke(model, x, NDArray.scalar(-1f))), zeros);
    // sum(x) > 0 takes the true branch, its negation the false one.
    float[] twice = new float[8];
    float[] negated = new float[8];
    for (int i = 0; i < 8; i++) {
      twice[i] = 2 * xv[i];
      negated[i] = -xv[i];
    }
    Method signed = cls.getMethod("signed", NDArray.class);
    assertClose(floats(signed.invoke(model, x)), twice);
    assertClose(floats(signed.invoke(model, NDArray.of(negated, 2, 4))), xv);
    assertThat((float) cls.getMethod("rows", NDArray.class).invoke(model, NDArray.of(new float[12], 3, 4)))
        .isEqualTo(3f);
    assertClose(floats(cls.getMethod("second", NDArray.class).invoke(model, x)), new float[] {1f, -0.5f, 3f, 1.25f});
  }

  static JavaFileObject rnn() {
    return JavaFileObjects.forSourceLines("demo.Rnn",
        "package demo;",
        "import static dev.kiln.dsl.Ops.*;",
        "import dev.kiln.dsl.*;",
        "@Model",
        "public class Rnn {",
        "  static final Dim TIME = Dim.named(\"time\");",
        "  @Input Tensor xs = placeholder(F32, TIME, BATCH, 4);",
        "  @Input Tensor h0 = placeholder(F32, BATCH, 4);",
        "  @Input Tensor target = placeholder(F32, BATCH, 4);",
        "  @Param Tensor w = variable(truncatedNormal(0, 0.5), 4, 4);",
        "  @Param Tensor u = variable(truncatedNormal(0, 0.5), 4, 4);",
        "  Tensor cell(Tensor h, Tensor x) { return tanh(matmul(h, u).plus(matmul(x, w))); }",
        // A model method and a cond inside the step; the false branch reads u two regions down.
        "  @Fetch Tensor last() {",
        "    return scan(xs, h0, (h, x) -> {",
        "      Tensor next = cell(h, x);",
        "      return cond(greater(reduceSum(x), scalar(0)), () -> next, () -> tanh(matmul(h, u)));",
        "    });",
        "  }",
        "  @Loss Tensor loss() { return reduceMean(square(last().minus(target))); }",
        "  @Fetch Tensor states() { return scanStates(xs, h0, this::cell); }",
        "}");
  }

  /** The RNN of {@link #rnn()} computed in plain Java: the state after each step, time-major. */
  private static float[] rnnByHand(float[] xs, int time, float[] h0, float[] w, float[] u, boolean gated) {
    int batch = h0.length / 4;
    float[] h = h0.clone();
    float[] all = new float[time * h.length];
    for (int t = 0; t < time; t++) {
      double sum = 0;
      for (int i = 0; i < batch * 4; i++) {
        sum += xs[t * batch * 4 + i];
      }
      float[] next = new float[batch * 4];
      for (int b = 0; b < batch; b++) {
        for (int j = 0; j < 4; j++) {
          double a = 0;
          for (int k = 0; k < 4; k++) {
            a += h[b * 4 + k] * u[k * 4 + j];
            if (sum > 0 || !gated) {
              a += xs[(t * batch + b) * 4 + k] * w[k * 4 + j];
            }
          }
          next[b * 4 + j] = (float) Math.tanh(a);
        }
      }
      h = next;
      System.arraycopy(h, 0, all, t * h.length, h.length);
    }
    return all;
  }

  @Test
  void anRnnByScanRunsSequencesOfLengthThreeAndSevenAndTrains() throws Exception {
    Compilation c = compile(rnn());
    assertThat(c).succeeded();
    Class<?> cls = CompiledClasses.load(c).loadClass("demo.RnnCompiled");
    Object model = cls.getMethod("create", long.class).invoke(null, 3L);
    @SuppressWarnings("unchecked")
    Map<String, NDArray> vars = (Map<String, NDArray>) cls.getMethod("variables").invoke(model);
    Method last = cls.getMethod("last", NDArray.class, NDArray.class);
    Method lossOf = cls.getMethod("loss", NDArray.class, NDArray.class, NDArray.class);
    SplittableRandom random = new SplittableRandom(5);
    int batch = 6;
    Map<Integer, NDArray[]> data = new HashMap<>();
    for (int time : new int[] {3, 7}) {
      float[] xs = uniform(random, time * batch * 4);
      float[] h0 = uniform(random, batch * 4);
      float[] target = uniform(random, batch * 4);
      for (int i = 0; i < target.length; i++) {
        target[i] *= 0.8f;
      }
      NDArray[] feeds = {NDArray.of(xs, time, batch, 4), NDArray.of(h0, batch, 4), NDArray.of(target, batch, 4)};
      data.put(time, feeds);
      float[] gated = rnnByHand(xs, time, h0, vars.get("w").floats(), vars.get("u").floats(), true);
      assertClose(floats(last.invoke(model, feeds[0], feeds[1])),
          java.util.Arrays.copyOfRange(gated, (time - 1) * batch * 4, time * batch * 4));
      NDArray states = (NDArray) cls.getMethod("states", NDArray.class, NDArray.class).invoke(model, feeds[0], feeds[1]);
      assertThat(states.shape()).isEqualTo(new int[] {time, batch, 4});
      assertClose(states.floats(), rnnByHand(xs, time, h0, vars.get("w").floats(), vars.get("u").floats(), false));
    }
    Object trainer = cls.getMethod("trainer", dev.kiln.runtime.Optimizer.class).invoke(model, Optimizers.sgd(0.5f));
    Method step = trainer.getClass().getMethod("step", NDArray.class, NDArray.class, NDArray.class);
    Map<Integer, Float> before = new HashMap<>();
    for (int time : data.keySet()) {
      NDArray[] d = data.get(time);
      before.put(time, (float) lossOf.invoke(model, d[0], d[1], d[2]));
    }
    float[] firstW = vars.get("w").floats().clone();
    for (int i = 0; i < 40; i++) {
      NDArray[] d = data.get(i % 2 == 0 ? 3 : 7);
      step.invoke(trainer, d[0], d[1], d[2]);
    }
    for (int time : data.keySet()) {
      NDArray[] d = data.get(time);
      float after = (float) lossOf.invoke(model, d[0], d[1], d[2]);
      assertThat(after).isLessThan(before.get(time) * 0.7f);
    }
    // Back-propagation through time reached the input weights inside the loop's cond.
    assertThat(vars.get("w").floats()).isNotEqualTo(firstW);
  }

  @Test
  void fieldsAndMethodsFirstUsedInsideALambdaBelongToTheModelGraphAndThisMethodIsABody() throws Exception {
    JavaFileObject f = Models.model("Shared",
        "  Tensor doubled = x.times(2);",
        "  Tensor half() { return x.times(0.5); }",
        "  Tensor step(Tensor h, Tensor row) { return h.plus(row); }",
        "  @Fetch Tensor out() {",
        "    Tensor picked = cond(greater(reduceSum(x), scalar(0)), () -> doubled.plus(half()), () -> x);",
        "    return picked.plus(doubled).plus(half());",
        "  }",
        // The row sum of x's columns by a method reference: scan over x's first (batch) axis.
        "  @Fetch Tensor total() { return scan(x, reduceSum(x, 0).times(0), this::step); }");
    Compilation c = compile(f);
    assertThat(c).succeeded();
    Class<?> cls = CompiledClasses.load(c).loadClass("demo.SharedCompiled");
    Object model = cls.getMethod("create", long.class).invoke(null, 1L);
    Method out = cls.getMethod("out", NDArray.class);
    float[] xv = {1f, 2f, -0.5f, 0.25f, 3f, -1f, 0.5f, 2f};
    float[] neg = new float[8];
    float[] five = new float[8];
    float[] threeAndHalf = new float[8];
    for (int i = 0; i < 8; i++) {
      neg[i] = -xv[i];
      five[i] = 5 * xv[i];
      threeAndHalf[i] = -3.5f * xv[i];
    }
    assertClose(floats(out.invoke(model, NDArray.of(xv, 2, 4))), five);
    assertClose(floats(out.invoke(model, NDArray.of(neg, 2, 4))), threeAndHalf);
    assertClose(floats(cls.getMethod("total", NDArray.class).invoke(model, NDArray.of(xv, 2, 4))),
        new float[] {4f, 1f, 0f, 2.25f});
  }

  @Test
  void aPerStepLossOverScanStatesTrains() throws Exception {
    JavaFileObject f = JavaFileObjects.forSourceLines("demo.Tagger",
        "package demo;",
        "import static dev.kiln.dsl.Ops.*;",
        "import dev.kiln.dsl.*;",
        "@Model",
        "public class Tagger {",
        "  static final Dim TIME = Dim.named(\"time\");",
        "  @Input Tensor xs = placeholder(F32, TIME, BATCH, 4);",
        "  @Input Tensor h0 = placeholder(F32, BATCH, 4);",
        "  @Input Tensor tags = placeholder(F32, TIME, BATCH, 4);",
        "  @Param Tensor w = variable(truncatedNormal(0, 0.5), 4, 4);",
        "  @Param Tensor u = variable(truncatedNormal(0, 0.5), 4, 4);",
        "  @Loss Tensor loss() {",
        "    Tensor hs = scanStates(xs, h0, (h, x) -> tanh(matmul(h, u).plus(matmul(x, w))));",
        "    return reduceMean(square(hs.minus(tags)));",
        "  }",
        "}");
    Compilation c = compile(f);
    assertThat(c).succeeded();
    Class<?> cls = CompiledClasses.load(c).loadClass("demo.TaggerCompiled");
    Object model = cls.getMethod("create", long.class).invoke(null, 2L);
    Object trainer = cls.getMethod("trainer", dev.kiln.runtime.Optimizer.class).invoke(model, Optimizers.sgd(0.5f));
    Method step = trainer.getClass().getMethod("step", NDArray.class, NDArray.class, NDArray.class);
    SplittableRandom random = new SplittableRandom(9);
    int time = 5;
    int batch = 4;
    NDArray xs = NDArray.of(uniform(random, time * batch * 4), time, batch, 4);
    NDArray h0 = NDArray.of(new float[batch * 4], batch, 4);
    float[] tags = uniform(random, time * batch * 4);
    for (int i = 0; i < tags.length; i++) {
      tags[i] *= 0.5f;
    }
    NDArray target = NDArray.of(tags, time, batch, 4);
    float first = (float) step.invoke(trainer, xs, h0, target);
    float last = first;
    for (int i = 0; i < 40; i++) {
      last = (float) step.invoke(trainer, xs, h0, target);
    }
    assertThat(last).isLessThan(first * 0.8f);
  }

  // ---- diagnostics --------------------------------------------------------------------------

  @Test
  void branchesOfDifferentShapesAreAnErrorAtTheCond() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    Tensor p = greater(reduceSum(x), scalar(0));",
        "    return cond(p, () -> x, () -> matmul(x, w));",
        "  }");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("cond: branches disagree: the true branch gives f32[batch, 4] and the false"
        + " branch f32[batch, 3]").inFile(f).onLineContaining("return cond(p,");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aNonBooleanPredicateIsAnError() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    return cond(reduceSum(x),",
        "        () -> x, () -> x.neg());",
        "  }");
    assertThat(compile(f)).hadErrorContaining("cond: the predicate must be a bool scalar, got f32[]")
        .inFile(f).onLineContaining("return cond(reduceSum(x),");
  }

  @Test
  void aBodyThatChangesALoopVariablesShapeIsAnError() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    Tensor[] r = whileLoop(v -> less(v[0], scalar(3)),",
        "        v -> new Tensor[] {v[0].plus(1), matmul(v[1], w)}, scalar(0), x);",
        "    return r[1];",
        "  }");
    assertThat(compile(f)).hadErrorContaining("whileLoop: body changes loop variable 1 from f32[batch, 4] to"
        + " f32[batch, 3]").inFile(f).onLineContaining("Tensor[] r = whileLoop(");
  }

  @Test
  void aBodyGivingTooFewVariablesAndAScanStepChangingTheStateAreErrorsAtTheLambda() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    return whileLoop(v -> less(v[0], scalar(3)),",
        "        v -> new Tensor[] {v[0].plus(1)}, scalar(0), x)[1];",
        "  }",
        "  @Fetch Tensor seq() {",
        "    return scan(x, y,",
        "        (h, row) -> matmul(h, transpose(w)).plus(row));",
        "  }");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("whileLoop: the body gives 1 tensor for 2 loop variables")
        .inFile(f).onLineContaining("v -> new Tensor[] {v[0].plus(1)}");
    assertThat(c).hadErrorContaining("scan: the step changes the state from f32[batch, 3] to f32[batch, 4]; it must return a tensor of the state's shape and dtype")
        .inFile(f).onLineContaining("(h, row) ->");
  }

  @Test
  void aLambdaAnywhereElseIsAnErrorAtItsLine() {
    JavaFileObject f = Models.model("Bad",
        "  @Fetch Tensor out() {",
        "    java.util.function.UnaryOperator<Tensor> twice = t -> t.times(2);",
        "    return x;",
        "  }");
    assertThat(compile(f)).hadErrorContaining("unsupported in a @Model: a lambda outside cond/whileLoop/scan")
        .inFile(f).onLineContaining("twice = t -> t.times(2)");
  }

  @Test
  void aWriteInsideALoopBodyIsAnError() {
    JavaFileObject f = Models.model("Bad",
        "  @State Tensor s = variable(zeros());",
        "  @Fetch Tensor out() {",
        "    return cond(greater(reduceSum(x), scalar(0)),",
        "        () -> assignAdd(s, 1), () -> s);",
        "  }");
    assertThat(compile(f)).hadErrorContaining("unsupported in a @Model: assignAdd(...) inside a cond, whileLoop or"
        + " scan lambda").inFile(f).onLineContaining("() -> assignAdd(s, 1)");
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static float[] uniform(SplittableRandom random, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) random.nextDouble(-1, 1);
    }
    return out;
  }

  private static float[] floats(Object result) {
    return ((NDArray) result).floats();
  }

  private static void assertClose(float[] actual, float[] expected) {
    assertThat(actual.length).isEqualTo(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).isWithin(TOLERANCE * Math.max(1, Math.abs(expected[i]))).of(expected[i]);
    }
  }

  
}

package dev.kiln.codegen.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.compiler.ops.ControlFlow;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.compiler.passes.KilnCompiler;
import dev.kiln.dsl.DType;
import dev.kiln.runtime.Backend;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A recurrent model (a whileLoop over the run-time length of its sequence) through its generated
 * facade on {@code Backend.JAVA} and {@code Backend.LLVM}: fetches and native training steps
 * (forward, back-propagation through time with heap tapes, update) agree for sequences of
 * different lengths and batches on one instance. In this package for the facade compiler of
 * codegen-cpu's tests ({@link InMemoryJavac}).
 */
class ControlFlowFacadeLlvmTest {
  /** h = tanh(h·w + x[t]) over t < length(xs), from h = tanh(x[0]); logits = h·v; loss = mean (logits - y)². */
  private static CompiledModel rnn() {
    GraphBuilder b = new GraphBuilder();
    Node xs = Emit.placeholder(b, "xs", DType.F32, Shape.of(Dim.symbol("time"), Dim.symbol("batch"), Dim.of(3)));
    Node y = Emit.placeholder(b, "y", DType.F32, Shape.of(Dim.symbol("batch"), Dim.of(2)));
    Node w = Emit.variable(b, "w", DType.F32, Shape.of(3, 3), "randomNormal");
    Node v = Emit.variable(b, "v", DType.F32, Shape.of(3, 2), "randomNormal");
    Node steps = ControlFlow.length(b, xs);
    Node h0 = Emit.tanh(b, ControlFlow.at(b, xs, Emit.scalar(b, DType.I32, 0)));
    Node h = ControlFlow.whileLoop(b, null, List.of(Emit.scalar(b, DType.I32, 0), h0),
        (r, vars) -> Emit.less(r.builder(), vars.get(0), r.read(steps)),
        (r, vars) -> {
          GraphBuilder rb = r.builder();
          Node xt = ControlFlow.at(rb, r.read(xs), vars.get(0));
          return List.of(Emit.add(rb, vars.get(0), Emit.scalar(rb, DType.I32, 1)),
              Emit.tanh(rb, Emit.add(rb, Emit.matmul(rb, vars.get(1), r.read(w), false, false), xt)));
        }).get(1);
    Node logits = Emit.matmul(b, h, v, false, false);
    Node loss = Emit.reduceMean(b, Emit.square(b, Emit.sub(b, logits, y)), false);
    return KilnCompiler.compile(new ModelSpec("test.loop", "Rnn", b.graph(), List.of(xs, y), List.of(w, v),
        List.of(new ModelSpec.Named("logits", logits)), List.of(new ModelSpec.Named("loss", loss))));
  }

  @Test
  void aRecurrentModelRunsTheSameOnJavaAndLlvm() throws Exception {
    BothBackends both = BothBackends.create(rnn(), 3L);
    Object onJava = both.onJava();
    Object onLlvm = both.onLlvm();
    SplittableRandom rng = new SplittableRandom(11);
    // Lengths 1 (no step past h0's row), 3 and 9 (tapes past their first 4 rows), two batches.
    for (int[] tb : new int[][] {{1, 2}, {9, 4}, {3, 2}}) {
      NDArray xs = gaussian(rng, tb[0], tb[1], 3);
      assertClose(floats(call(onJava, "logits", xs)), floats(call(onLlvm, "logits", xs)));
    }

    Object javaTrainer = onJava.getClass().getMethod("trainer", dev.kiln.runtime.Optimizer.class).invoke(onJava, Optimizers.sgd(0.1f));
    Object llvmTrainer = onLlvm.getClass().getMethod("trainer", dev.kiln.runtime.Optimizer.class).invoke(onLlvm, Optimizers.sgd(0.1f));
    float[] javaLosses = new float[6];
    float[] llvmLosses = new float[6];
    for (int i = 0; i < 6; i++) {
      int time = i % 2 == 0 ? 5 : 2;
      NDArray xs = gaussian(new SplittableRandom(i), time, 3, 3);
      NDArray y = gaussian(new SplittableRandom(100 + i), 3, 2);
      javaLosses[i] = (float) call(javaTrainer, "step", xs, y);
      llvmLosses[i] = (float) call(llvmTrainer, "step", xs, y);
    }
    assertClose(javaLosses, llvmLosses);
    NDArray probe = gaussian(rng, 4, 3, 3);
    assertClose(floats(call(onJava, "logits", probe)), floats(call(onLlvm, "logits", probe)));
  }

  private static NDArray gaussian(SplittableRandom rng, int... shape) {
    int n = 1;
    for (int s : shape) {
      n *= s;
    }
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) rng.nextGaussian();
    }
    return NDArray.of(a, shape);
  }

  private static Object call(Object target, String name, Object... args) throws Exception {
    for (Method m : target.getClass().getMethods()) {
      if (m.getName().equals(name)) {
        try {
          return m.invoke(target, args);
        } catch (InvocationTargetException e) {
          throw new AssertionError(name + " failed: " + e.getCause(), e.getCause());
        }
      }
    }
    throw new AssertionError("no method " + name + " on " + target.getClass());
  }

  private static float[] floats(Object ndarray) {
    return ((NDArray) ndarray).floats();
  }

  /** Within float rounding: the backends' tanh and summation orders may differ in the last bits. */
  private static void assertClose(float[] want, float[] got) {
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-5 * Math.max(1, Math.abs(want[i])), "element " + i);
    }
  }
}

package dev.kiln.codegen.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.compiler.passes.KilnCompiler;
import dev.kiln.dsl.DType;
import dev.kiln.runtime.Backend;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizers;
import dev.kiln.runtime.SparseNDArray;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A model with a sparse input through its generated facade on {@code Backend.JAVA} and
 * {@code Backend.LLVM} (here, where {@code kiln-runtime-llvm} is on the class path): on LLVM the
 * {@code SparseNDArray} is checked and unpacked into three native feeds, and fetches and training
 * steps agree with the Java backend. In this package for the facade compiler of codegen-cpu's
 * tests ({@link InMemoryJavac}).
 */
class SparseFacadeLlvmTest {
  private static final Dim BATCH = Dim.symbol("batch");

  /** Bag-of-words logistic regression: sigmoid(words × w + b), its loss, and the words as dense. */
  private static CompiledModel bagOfWords() {
    GraphBuilder b = new GraphBuilder();
    List<Node> words = Emit.sparsePlaceholder(b, "words", DType.F32, BATCH, Dim.of(6));
    Node labels = Emit.placeholder(b, "labels", DType.F32, Shape.of(BATCH, Dim.of(1)));
    Node w = Emit.variable(b, "w", DType.F32, Shape.of(6, 1), "randomNormal");
    Node bias = Emit.variable(b, "b", DType.F32, Shape.of(1), "zeros");
    Node logits = Emit.add(b, Emit.sparseMatmul(b, words.get(0), words.get(1), words.get(2), w, false), bias);
    Node loss = Emit.reduceMean(b, Emit.sigmoidCrossEntropyWithLogits(b, labels, logits), false);
    List<Node> inputs = new ArrayList<>(words);
    inputs.add(labels);
    return KilnCompiler.compile(new ModelSpec("test.sparse", "BagOfWords", b.graph(), inputs, List.of(w, bias),
        List.of(new ModelSpec.Named("probability", Emit.sigmoid(b, logits)),
            new ModelSpec.Named("dense", Emit.sparseToDense(b, words.get(0), words.get(1), words.get(2)))),
        List.of(new ModelSpec.Named("loss", loss))));
  }

  @Test
  void aSparseInputRunsTheSameOnJavaAndLlvm() throws Exception {
    BothBackends both = BothBackends.create(bagOfWords(), 5L);
    Object onJava = both.onJava();
    Object onLlvm = both.onLlvm();

    // Example 0 repeats word 0 (it adds up), example 1 has no words, coordinates out of order.
    SparseNDArray words = SparseNDArray.of(new long[] {0, 0, 2, 5, 0, 0, 3, 1, 4, 3, 2, 2, 3, 5, 0, 4},
        new float[] {1, 2, 1, 1, 3, 1, 0.5f, 1}, 5, 6);
    NDArray labels = NDArray.of(new float[] {1, 0, 0, 1, 0}, 5, 1);
    SparseNDArray empty = SparseNDArray.of(new long[0], new float[0], 2, 6);
    for (SparseNDArray s : List.of(words, empty)) {
      assertArrayEquals(floats(call(onJava, "dense", s)), floats(call(onLlvm, "dense", s)));
      assertClose(floats(call(onJava, "probability", s)), floats(call(onLlvm, "probability", s)));
    }
    assertEquals(2f, floats(call(onLlvm, "dense", words))[0]); // (0, 0) twice

    // A few SGD steps: the native step (forward, backward through the adjoint product, update)
    // follows the Java one.
    Object javaTrainer = onJava.getClass().getMethod("trainer", dev.kiln.runtime.Optimizer.class).invoke(onJava, Optimizers.sgd(0.5f));
    Object llvmTrainer = onLlvm.getClass().getMethod("trainer", dev.kiln.runtime.Optimizer.class).invoke(onLlvm, Optimizers.sgd(0.5f));
    float[] javaLosses = new float[4];
    float[] llvmLosses = new float[4];
    for (int i = 0; i < 4; i++) {
      javaLosses[i] = (float) call(javaTrainer, "step", words, labels);
      llvmLosses[i] = (float) call(llvmTrainer, "step", words, labels);
    }
    assertClose(javaLosses, llvmLosses);
    assertTrue(llvmLosses[3] < llvmLosses[0], java.util.Arrays.toString(llvmLosses));
    assertClose(floats(call(onJava, "probability", words)), floats(call(onLlvm, "probability", words)));

    // A coordinate outside the dense shape is the facade's check, the same on both backends.
    SparseNDArray outside = SparseNDArray.of(new long[] {0, 1, 5, 0}, new float[] {1, 1}, 5, 6);
    for (Object m : List.of(onJava, onLlvm)) {
      InvocationTargetException e = assertThrows(InvocationTargetException.class,
          () -> method(m, "probability").invoke(m, outside));
      assertEquals("sparse input 'words': nonzero 1 at (5, 0) is out of range for its dense shape [5, 6]",
          e.getCause().getMessage());
    }
  }

  private static Object call(Object target, String name, Object... args) throws Exception {
    try {
      return method(target, name).invoke(target, args);
    } catch (InvocationTargetException e) {
      throw new AssertionError(name + " failed: " + e.getCause(), e.getCause());
    }
  }

  private static Method method(Object target, String name) {
    for (Method m : target.getClass().getMethods()) {
      if (m.getName().equals(name)) {
        return m;
      }
    }
    throw new AssertionError("no method " + name + " on " + target.getClass());
  }

  private static float[] floats(Object ndarray) {
    return ((NDArray) ndarray).floats();
  }

  /** Within a few ulps: the backends' sigmoid and log1p may round differently. */
  private static void assertClose(float[] want, float[] got) {
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-6 * Math.max(1, Math.abs(want[i])), "element " + i);
    }
  }
}

package dev.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.Optimizer;
import dev.kiln.runtime.Optimizers;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** {@code withDependencies}: a training step that also counts itself, TensorFlow's global step. */
class ControlDependencyDslTest {
  @Test
  void eachTrainingStepRunsTheCounterAndStillLearns() throws Exception {
    JavaFileObject f = Models.model("Counted",
        "  @State Tensor steps = variable(zeros());",
        "  @Loss Tensor loss() {",
        "    Tensor mse = reduceMean(matmul(x, w).minus(y).square());",
        "    return withDependencies(mse, assignAdd(steps, 1));",
        "  }");
    Compilation c = KilnProcessorTest.compile(f);
    assertThat(c).succeeded();
    Object model = CompiledClasses.create(c, "demo.CountedCompiled", 1);
    Object trainer = model.getClass().getMethod("trainer", Optimizer.class).invoke(model, Optimizers.sgd(1f));
    var step = trainer.getClass().getMethod("step", NDArray.class, NDArray.class);
    NDArray x = NDArray.of(new float[] {1, 0, 0, 0, 0, 1, 0, 0}, 2, 4);
    NDArray y = NDArray.of(new float[] {1, 2, 3, 3, 2, 1}, 2, 3);
    float first = (float) step.invoke(trainer, x, y);
    float last = first;
    for (int i = 0; i < 9; i++) {
      last = (float) step.invoke(trainer, x, y);
    }
    assertTrue(last < first / 2, "loss " + first + " -> " + last);
    @SuppressWarnings("unchecked")
    var vars = (Map<String, NDArray>) model.getClass().getMethod("variables").invoke(model);
    assertEquals(10f, vars.get("steps").floatValue(), "one count per training step");
  }
}

package dev.kiln.codegen.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.llvm.LlvmBackend;
import dev.kiln.codegen.llvm.Models;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.compiler.passes.KilnCompiler;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The workspace plan of real models' programs (the MNIST-like models and random deep MLPs),
 * checked at random symbol values: buffers live at the same step never overlap,
 * every buffer lies inside the workspace on an aligned offset, and reuse makes the workspace
 * smaller than one region per buffer.
 */
class MemoryPlanTest {
  @Test
  void theSamplesModelsPlansAreSound() {
    for (CompiledModel m : List.of(Models.softmaxRegression(), Models.mlp())) {
      checkModel(m, new SplittableRandom(1));
    }
  }

  @Test
  void randomDeepModelsPlansAreSoundAndReuseMemory() {
    SplittableRandom rng = new SplittableRandom(7);
    long reused = 0;
    for (int trial = 0; trial < 12; trial++) {
      reused += checkModel(randomMlp(rng), rng);
    }
    assertTrue(reused > 0, "no plan reused any memory");
  }

  @Test
  void aTrainingStepsGradientsLiveToTheEndInTheWorkspace() {
    CompiledModel m = Models.mlp();
    EntryPoint train = m.entryPoints().stream().filter(e -> e.kind() == EntryPoint.Kind.TRAIN).findFirst()
        .orElseThrow();
    KernelProgram p = LlvmBackend.lower(m, train);
    MemoryPlan plan = MemoryPlan.of(p);
    assertEquals(4, plan.gradientSlots().size());
    for (Buffer g : plan.gradientSlots()) {
      assertTrue(plan.inWorkspace(g), g.node().name());
      assertEquals(p.steps().size(), plan.life(g)[1], g.node().name());
    }
  }

  /**
   * A trained whileLoop (a plain, a recording and a backward loop): every workspace buffer a
   * loop's nested kernels touch is live through the whole loop, its tapes stay out of the
   * workspace, and the plan is sound.
   */
  @Test
  void buffersTouchedInALoopLiveThroughTheWholeLoop() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(Dim.symbol("batch"), Dim.of(3)));
    Node n = Emit.placeholder(b, "n", DType.I32, Shape.of(new long[0]));
    Node w = Emit.variable(b, "w", DType.F32, Shape.of(3), "zeros");
    Node h = dev.kiln.compiler.ops.ControlFlow.whileLoop(b, null, List.of(Emit.scalar(b, DType.I32, 0), x),
        (r, v) -> Emit.less(r.builder(), v.get(0), r.read(n)),
        (r, v) -> List.of(Emit.add(r.builder(), v.get(0), Emit.scalar(r.builder(), DType.I32, 1)),
            Emit.tanh(r.builder(), Emit.mul(r.builder(), v.get(1), r.read(w))))).get(1);
    CompiledModel m = KilnCompiler.compile(new ModelSpec("test.plan", "Loop", b.graph(), List.of(x, n),
        List.of(w), List.of(new ModelSpec.Named("h", h)),
        List.of(new ModelSpec.Named("loss", Emit.reduceSum(b, Emit.square(b, h), false)))));
    checkModel(m, new SplittableRandom(3));
    EntryPoint train = m.entryPoints().stream().filter(e -> e.kind() == EntryPoint.Kind.TRAIN).findFirst()
        .orElseThrow();
    KernelProgram p = LlvmBackend.lower(m, train);
    MemoryPlan plan = MemoryPlan.of(p);
    List<Kernel> all = p.allSteps();
    int loops = 0;
    int tapes = 0;
    for (int i = 0; i < all.size(); i++) {
      if (!(all.get(i) instanceof Kernel.Loop loop)) {
        continue;
      }
      loops++;
      List<Kernel> inside = new KernelProgram(train, List.of(), List.of(), List.of(loop), List.of(), List.of())
          .allSteps();
      int end = i + inside.size() - 1;
      for (Kernel k : inside) {
        List<Buffer> touched = new ArrayList<>(k.inputs());
        touched.add(k.out());
        for (Buffer t : touched) {
          if (t.kind() == Buffer.Kind.TAPE) {
            tapes++;
            assertTrue(!plan.inWorkspace(t), "a tape in the workspace");
          } else if (plan.inWorkspace(t)) {
            int[] life = plan.life(t);
            assertTrue(life[0] <= i && life[1] >= end, t.node().name() + " lives " + life[0] + ".." + life[1]
                + ", not through its loop " + i + ".." + end);
          }
        }
      }
    }
    assertEquals(3, loops, "the forward, recording and backward loops");
    assertTrue(tapes > 0, "the backward loop reads the tapes");
  }

  /** Checks every entry point's plan at 3 random symbol bindings; returns how many bytes reuse saved. */
  private static long checkModel(CompiledModel model, SplittableRandom rng) {
    long saved = 0;
    for (EntryPoint ep : model.entryPoints()) {
      KernelProgram p = LlvmBackend.lower(model, ep);
      MemoryPlan plan = MemoryPlan.of(p);
      for (int s = 0; s < 3; s++) {
        Map<String, Long> symbols = new java.util.HashMap<>();
        for (String sym : p.symbols()) {
          symbols.put(sym, (long) rng.nextInt(0, 300)); // zero included: an empty batch
        }
        saved += check(ep, plan, symbols);
      }
    }
    return saved;
  }

  private static long check(EntryPoint ep, MemoryPlan plan, Map<String, Long> symbols) {
    List<Buffer> bs = plan.buffers();
    long total = plan.bytes(symbols);
    long separate = 0;
    for (Buffer b : bs) {
      long off = plan.offset(b, symbols);
      long len = MemoryPlan.bufferBytes(b, symbols);
      separate += MemoryPlan.aligned(len);
      assertEquals(0, off % MemoryPlan.ALIGNMENT, ep.name() + ": " + b.node().name() + " misaligned");
      assertTrue(off >= 0 && off + len <= total, ep.name() + ": " + b.node().name() + " outside the workspace");
    }
    for (int i = 0; i < bs.size(); i++) {
      for (int j = i + 1; j < bs.size(); j++) {
        Buffer a = bs.get(i);
        Buffer b = bs.get(j);
        int[] la = plan.life(a);
        int[] lb = plan.life(b);
        if (la[1] < lb[0] || lb[1] < la[0]) {
          continue; // never live together
        }
        long oa = plan.offset(a, symbols);
        long ob = plan.offset(b, symbols);
        long ea = oa + MemoryPlan.bufferBytes(a, symbols);
        long eb = ob + MemoryPlan.bufferBytes(b, symbols);
        assertTrue(ea <= ob || eb <= oa || ea == oa || eb == ob, ep.name() + ": " + a.node().name()
            + " and " + b.node().name() + " are live together and overlap at " + symbols);
      }
    }
    assertTrue(total <= separate, ep.name() + ": the plan is bigger than one region per buffer");
    return separate - total;
  }

  /** An MLP of random depth and widths over inputs [batch, features]. */
  private static CompiledModel randomMlp(SplittableRandom rng) {
    GraphBuilder b = new GraphBuilder();
    int features = rng.nextInt(1, 9);
    int classes = rng.nextInt(2, 6);
    Dim batch = Dim.symbol("batch");
    Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(batch, Dim.of(features)));
    Node y = Emit.placeholder(b, "y", DType.F32, Shape.of(batch, Dim.of(classes)));
    List<Node> params = new ArrayList<>();
    Node h = x;
    int width = features;
    int layers = rng.nextInt(1, 5);
    for (int l = 0; l <= layers; l++) {
      int out = l == layers ? classes : rng.nextInt(1, 40);
      Node w = Emit.variable(b, "w" + l, DType.F32, Shape.of(width, out), "zeros");
      Node bias = Emit.variable(b, "b" + l, DType.F32, Shape.of(out), "zeros");
      params.add(w);
      params.add(bias);
      h = Emit.add(b, Emit.matmul(b, h, w, false, false), bias);
      if (l < layers) {
        h = rng.nextBoolean() ? Emit.relu(b, h) : Emit.tanh(b, h);
      }
      width = out;
    }
    Node loss = Emit.reduceMean(b, Emit.softmaxCrossEntropyWithLogits(b, y, h), false);
    return KilnCompiler.compile(new ModelSpec("test.plan", "Deep", b.graph(), List.of(x, y), params,
        List.of(new ModelSpec.Named("logits", h)), List.of(new ModelSpec.Named("loss", loss))));
  }
}

package dev.kiln.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** State variables and writes through the pass pipeline: CSE, pruning, autodiff, entry points. */
class StatePassesTest {
  @Test
  void cseNeverMergesWritesButMergesTheirPureOperands() {
    GraphBuilder b = new GraphBuilder();
    Node v = Emit.stateVariable(b, "v", DType.F32, Shape.SCALAR, "zeros");
    Node one = Emit.scalar(b, DType.F32, 1);
    Node w1 = Emit.assignAdd(b, v, Emit.add(b, one, one));
    Node w2 = Emit.assignAdd(b, v, Emit.add(b, one, one));
    Rebuilder.Result r = CommonSubexpressionElimination.apply(b.graph());
    assertNotSame(r.map(w1), r.map(w2));
    assertEquals(r.map(w1).input(1), r.map(w2).input(1));
  }

  @Test
  void pruningKeepsWritesTheFetchReachesAndDropsTheOthers() {
    GraphBuilder b = new GraphBuilder();
    Node v = Emit.stateVariable(b, "v", DType.F32, Shape.SCALAR, "zeros");
    Node reached = Emit.assignAdd(b, v, Emit.scalar(b, DType.F32, 1));
    Node fetch = Emit.mul(b, reached, Emit.scalar(b, DType.F32, 2));
    Node unreached = Emit.assign(b, v, Emit.scalar(b, DType.F32, 5));
    Prune.Pruned p = Prune.prune(List.of(fetch), List.of());
    assertTrue(p.schedule().contains(reached));
    assertTrue(!p.schedule().contains(unreached));
    Rebuilder.Result kept = Prune.retain(b.graph(), List.of(fetch));
    assertEquals(1, kept.graph().nodes().stream().filter(StateWrites::isWrite).count());
  }

  /** The seed notebook's example: a = 3; doubled() = assign(a, a * 2), plus a trainable w. */
  static ModelSpec counterModel(boolean twoWrites) {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(2));
    Node a = Emit.stateVariable(b, "a", DType.F32, Shape.SCALAR, "constant", 3);
    Node w = Emit.variable(b, "w", DType.F32, Shape.of(2), "zeros");
    Node doubled = Emit.assign(b, a, Emit.mul(b, a, Emit.scalar(b, DType.F32, 2)));
    Node fetch = twoWrites ? Emit.add(b, doubled, Emit.assignAdd(b, a, Emit.scalar(b, DType.F32, 1))) : doubled;
    Node loss = Emit.reduceSum(b, Emit.square(b, Emit.sub(b, Emit.mul(b, w, a), x)), false);
    return new ModelSpec("t", "Counter", b.graph(), List.of(x), List.of(a, w),
        List.of(new ModelSpec.Named("doubled", fetch)), List.of(new ModelSpec.Named("loss", loss)));
  }

  @Test
  void stateVariablesAreKeptButNotTrained() {
    CompiledModel m = KilnCompiler.compile(counterModel(false));
    assertEquals(List.of("a", "w"), m.params().stream().map(p -> p.attrs().<String>get("name")).toList());
    EntryPoint train = m.entryPoints().stream().filter(e -> e.kind() == EntryPoint.Kind.TRAIN).findFirst().orElseThrow();
    assertEquals(List.of("w"), train.gradients().keySet().stream().map(p -> p.attrs().<String>get("name")).toList());
    EntryPoint doubled = m.entryPoints().getFirst();
    assertEquals("doubled", doubled.name());
    assertTrue(doubled.schedule().stream().anyMatch(StateWrites::isWrite));
    assertTrue(train.schedule().stream().noneMatch(StateWrites::isWrite), "the loss does not write a");

    // Three calls on one instance's state: 6, 12, 24.
    Map<String, Value> state = Map.of("a", Value.scalar(DType.F32, 3), "w", Value.zeros(DType.F32, 2));
    for (double expected : new double[] {6, 12, 24}) {
      Interpreter interp = new Interpreter(Map.of(), state);
      assertEquals(expected, interp.run(doubled.output()).get(0));
      state = interp.variables();
    }
  }

  @Test
  void twoWritesOfOneVariableInOneEntryPointAreAnError() {
    ShapeError e = assertThrows(ShapeError.class, () -> KilnCompiler.compile(counterModel(true)));
    assertEquals("variable 'a' is written twice in entry point 'doubled' (Assign and AssignAdd); one entry"
        + " point may assign each variable at most once", e.getMessage());
  }
}

package dev.kiln.compiler.passes;

import static org.junit.jupiter.api.Assertions.*;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

class PruneTest {
  @Test
  void estimatesDoNotNeedLabels() {
    Models.Softmax m = new Models.Softmax();
    Prune.Pruned p = Prune.prune(List.of(m.estimates), List.of(m.x, m.y));
    assertEquals(List.of(m.x), p.inputs());
    assertFalse(p.schedule().contains(m.y));
    assertFalse(p.schedule().contains(m.loss));
    assertTrue(p.schedule().containsAll(List.of(m.x, m.w, m.bias, m.estimates)));
    for (int i = 1; i < p.schedule().size(); i++) {
      assertTrue(p.schedule().get(i - 1).id() < p.schedule().get(i).id());
    }
    // The closure of estimates: x, w, b, MatMul, Add, Softmax.
    assertEquals(6, p.schedule().size());
  }

  @Test
  void inputsInDeclarationOrder() {
    Models.Softmax m = new Models.Softmax();
    // Declared labels first: the order of the declaration, not of the graph, wins.
    Prune.Pruned p = Prune.prune(List.of(m.loss), List.of(m.y, m.x));
    assertEquals(List.of(m.y, m.x), p.inputs());
  }

  @Test
  void undeclaredPlaceholderIsAnError() {
    Models.Softmax m = new Models.Softmax();
    assertThrows(IllegalArgumentException.class, () -> Prune.prune(List.of(m.loss), List.of(m.x)));
  }

  @Test
  void retainDropsDeadNodes() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F64, Shape.of(2));
    Node live = Emit.exp(b, x);
    Emit.square(b, x);
    Rebuilder.Result r = Prune.retain(b.graph(), List.of(live));
    assertEquals(2, r.graph().size());
    assertEquals("Exp", r.map(live).name());
    assertSame(r.map(x), r.map(live).input(0));
  }
}

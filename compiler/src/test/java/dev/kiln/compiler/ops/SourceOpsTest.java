package dev.kiln.compiler.ops;

import static dev.kiln.compiler.ops.OpTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.dsl.DType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceOpsTest {
  @Test
  void placeholderVariableAndConstant() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(BATCH, d(2)));
    Node w = Emit.variable(b, "w", DType.F32, Shape.of(2), "zeros");
    Node c = Emit.constant(b, DType.F32, Shape.of(2), 1.5, 2.5);
    Node s = Emit.scalar(b, DType.I32, 3.7);
    assertEquals(new TensorType(DType.F32, Shape.of(BATCH, d(2))), x.type());
    assertEquals(TensorType.scalar(DType.I32), s.type());
    for (Node n : new Node[] {x, w, c, s}) {
      assertEquals(OpKind.SOURCE, n.op().kind());
      assertTrue(n.op().gradient(b, n, n).isEmpty());
    }
    var fed = f64(dims(1, 2), 1, 2);
    var wv = f64(dims(2), 3, 4);
    var out = new Interpreter(Map.of("x", fed), Map.of("w", wv)).run(java.util.List.of(x, w, c, s));
    assertValue(fed, out.get(x));
    assertValue(wv, out.get(w));
    assertValue(of(DType.F32, dims(2), 1.5, 2.5), out.get(c));
    assertValue(of(DType.I32, dims(), 3), out.get(s));
    assertValue(of(DType.F64, dims(2, 2), 7, 7, 7, 7),
        new Interpreter(Map.of(), Map.of()).run(Emit.constant(b, DType.F64, Shape.of(2, 2), 7)));
  }
}

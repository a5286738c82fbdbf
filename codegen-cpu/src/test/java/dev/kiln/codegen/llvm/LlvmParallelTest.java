package dev.kiln.codegen.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Where the emitted IR reaches the thread pool (numbers are checked in runtime-llvm's LlvmGemmTest). */
class LlvmParallelTest {
  private static String ir(int rows, Dim batch) {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(batch, Dim.of(rows)));
    Node y = Emit.placeholder(b, "y", DType.F32, Shape.of(batch, Dim.of(rows)));
    Node w = Emit.placeholder(b, "w", DType.F32, Shape.of(rows, 7));
    CompiledModel m = KilnCompiler.compile(new ModelSpec("test.par", "Par" + rows, b.graph(), List.of(x, y, w),
        List.of(), List.of(
            new ModelSpec.Named("map", Emit.tanh(b, Emit.mul(b, x, y))),
            new ModelSpec.Named("sums", Emit.reduceSum(b, x, false, 1)),
            new ModelSpec.Named("softmax", Emit.softmax(b, y)),
            new ModelSpec.Named("product", Emit.matmul(b, x, w, false, false))),
        List.of()));
    return LlvmBackend.generate(m).getFirst().content();
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void everyPoolCallGoesThroughTheModulesOneHelper() {
    String ir = ir(1000, Dim.of(300));
    assertEquals(1, count(ir, "call void %impl\\("), "only the helper calls the runtime's pool");
    assertEquals(0, count(ir, "@kiln_parallel_for"), "the module needs no symbol from the runtime");
    assertEquals(1, count(ir, "@kiln\\.parallel_for\\.impl = global ptr null"));
    assertEquals(1, count(ir, "define internal void @kiln\\.parallel_for\\("));
    // map, reduction, softmax (static sizes over the threshold) and the GEMM driver
    assertEquals(4, count(ir, "call void @kiln\\.parallel_for\\("), ir);
  }

  @Test
  void smallStaticKernelsStayOffThePoolAndSymbolicOnesDecideAtRunTime() {
    String small = ir(10, Dim.of(30));
    assertEquals(1, count(small, "call void @kiln\\.parallel_for\\("), "only the GEMM driver, which decides at run time");
    assertFalse(small.contains(".map.chunk"), "a 300-element map has no chunk function");
    String symbolic = ir(10, Dim.symbol("batch"));
    assertTrue(symbolic.contains("icmp sge i64"), "a symbolic size is compared with the threshold at run time");
    assertEquals(4, count(symbolic, "call void @kiln\\.parallel_for\\("));
  }
}

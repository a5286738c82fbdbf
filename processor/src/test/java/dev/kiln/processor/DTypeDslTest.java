package dev.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.kiln.dsl.DType;
import dev.kiln.runtime.NDArray;
import java.lang.reflect.Method;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** The narrow dtypes through the DSL: I8/U8/I16 inputs, F16/BF16 variables, casts, diagnostics. */
class DTypeDslTest {
  private static JavaFileObject model(String name, String... body) {
    String[] head = {
        "package demo;",
        "import static dev.kiln.dsl.Ops.*;",
        "import dev.kiln.dsl.*;",
        "@Model",
        "public class " + name + " {",
        "  @Input Tensor pixels = placeholder(I8, BATCH, 4);",
        "  @Param Tensor scale = variable(F16, constant(0.5), 4);"};
    String[] lines = new String[head.length + body.length + 1];
    System.arraycopy(head, 0, lines, 0, head.length);
    System.arraycopy(body, 0, lines, head.length, body.length);
    lines[lines.length - 1] = "}";
    return JavaFileObjects.forSourceLines("demo." + name, lines);
  }

  private static Object call(Object target, String name, Object... args) throws Exception {
    for (Method m : target.getClass().getMethods()) {
      if (m.getName().equals(name)) {
        return m.invoke(target, args);
      }
    }
    throw new AssertionError("no method " + name);
  }

  @Test
  void anI8InputAndAnF16VariableCompileAndRun() throws Exception {
    JavaFileObject f = model("Quantized",
        "  @State Tensor bias = variable(BF16, constant(1), 4);",
        "  /** int8 pixels times an f16 scale, computed in f32 and stored as f16. */",
        "  @Fetch Tensor dequantized() {",
        "    Tensor x = cast(pixels, F32).times(cast(scale, F32)).plus(cast(bias, F32));",
        "    return cast(x, F16);",
        "  }",
        "  /** i8 arithmetic wraps: 127 + 1 is -128. */",
        "  @Fetch Tensor shifted() { return pixels.plus(cast(scalar(1), I8)); }",
        "  @Fetch Tensor asBytes() { return cast(pixels, U8); }",
        "  @Fetch Tensor wide() { return reduceSum(cast(pixels, I16), 1); }",
        "  @Fetch Tensor rows() { return transpose(scale.reshape(2, 2)); }");
    Compilation c = KilnProcessorTest.compile(f);
    assertThat(c).succeeded();
    Object model = CompiledClasses.create(c, "demo.QuantizedCompiled", 1);
    @SuppressWarnings("unchecked")
    Map<String, NDArray> vars = (Map<String, NDArray>) call(model, "variables");
    assertEquals(DType.F16, vars.get("scale").dtype());
    assertEquals(DType.BF16, vars.get("bias").dtype());
    NDArray pixels = NDArray.wrap(DType.I8, new byte[] {127, -128, 3, -3, 0, 1, 2, 100}, 2, 4);
    NDArray out = (NDArray) call(model, "dequantized", pixels);
    assertEquals(DType.F16, out.dtype());
    assertEquals(64.5, out.elementAsDouble(0));
    assertEquals(-63.0, out.elementAsDouble(1));
    assertEquals(51.0, out.elementAsDouble(7));
    NDArray shifted = (NDArray) call(model, "shifted", pixels);
    assertArrayEquals(new byte[] {-128, -127, 4, -2, 1, 2, 3, 101}, shifted.bytes());
    NDArray bytes = (NDArray) call(model, "asBytes", pixels);
    assertEquals(DType.U8, bytes.dtype());
    assertEquals(128.0, bytes.elementAsDouble(1));
    NDArray wide = (NDArray) call(model, "wide", pixels);
    assertArrayEquals(new short[] {-1, 103}, wide.shorts());
    NDArray rows = (NDArray) call(model, "rows");
    assertEquals(DType.F16, rows.dtype());
    assertTrue(c.generatedSourceFile("demo.QuantizedCompiled").orElseThrow().getCharContent(true)
        .toString().contains("Float.floatToFloat16("));
  }

  @Test
  void arithmeticOnF16IsAnErrorAtTheLine() {
    JavaFileObject f = model("Bad",
        "  @Fetch Tensor doubled() {",
        "    return scale.times(scale);",
        "  }");
    assertThat(KilnProcessorTest.compile(f)).hadErrorContaining(
        "mul: f16 is a storage type with no arithmetic, got f16[4]; cast it to f32 first")
        .inFile(f).onLineContaining("return scale.times(scale);");
  }

  @Test
  void anIntegerVariableIsAnErrorAtTheLine() {
    JavaFileObject f = model("Bad",
        "  @State Tensor count = variable(I32, zeros(), 1);",
        "  @Fetch Tensor out() { return count; }");
    assertThat(KilnProcessorTest.compile(f)).hadErrorContaining(
        "a variable holds f32, f64, f16 or bf16 values, got i32")
        .inFile(f).onLineContaining("variable(I32, zeros(), 1)");
  }
}

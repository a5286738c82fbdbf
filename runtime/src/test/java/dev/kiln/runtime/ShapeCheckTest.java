package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.dsl.DType;
import org.junit.jupiter.api.Test;

class ShapeCheckTest {
  @Test
  void rightFeedsPassAndBindTheSymbol() {
    ShapeCheck c = new ShapeCheck("accuracy");
    c.check("examples", NDArray.zeros(DType.F32, 100, 784), DType.F32, "batch", 784);
    c.check("labels", NDArray.zeros(DType.F32, 100, 10), DType.F32, "batch", 10);
    assertEquals(100, c.symbol("batch"));
  }

  @Test
  void symbolMustAgreeAcrossInputs() {
    ShapeCheck c = new ShapeCheck("accuracy");
    c.check("examples", NDArray.zeros(DType.F32, 100, 784), DType.F32, "batch", 784);
    var e = assertThrows(IllegalArgumentException.class,
        () -> c.check("labels", NDArray.zeros(DType.F32, 50, 10), DType.F32, "batch", 10));
    assertEquals(
        "accuracy: input 'labels' expects f32[batch, 10] with batch = 100 (bound by 'examples'), got f32[50, 10]",
        e.getMessage());
  }

  @Test
  void staticDimMismatch() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new ShapeCheck("estimates").check(
            "examples", NDArray.zeros(DType.F32, 100, 783), DType.F32, "batch", 784));
    assertEquals("estimates: input 'examples' expects f32[batch, 784], got f32[100, 783]", e.getMessage());
  }

  @Test
  void dtypeAndRankMismatch() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new ShapeCheck("estimates").check(
            "examples", NDArray.zeros(DType.F64, 100, 784), DType.F32, "batch", 784));
    assertEquals("estimates: input 'examples' expects f32[batch, 784], got f64[100, 784]", e.getMessage());
    var r = assertThrows(IllegalArgumentException.class,
        () -> new ShapeCheck("estimates").check(
            "examples", NDArray.zeros(DType.F32, 784), DType.F32, "batch", 784));
    assertEquals("estimates: input 'examples' expects f32[batch, 784], got f32[784]", r.getMessage());
  }

  @Test
  void nullInput() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new ShapeCheck("estimates").check("examples", null, DType.F32, "batch", 784));
    assertEquals("estimates: input 'examples' is null, expected f32[batch, 784]", e.getMessage());
  }

  @Test
  void repeatedSymbolWithinOneInput() {
    ShapeCheck c = new ShapeCheck("square");
    c.check("m", NDArray.zeros(DType.F32, 3, 3), DType.F32, "n", "n");
    assertEquals(3, c.symbol("n"));
    var e = assertThrows(IllegalArgumentException.class,
        () -> new ShapeCheck("square").check("m", NDArray.zeros(DType.F32, 3, 4), DType.F32, "n", "n"));
    assertEquals("square: input 'm' expects f32[n, n], got f32[3, 4]", e.getMessage());
  }

  @Test
  void failedCheckBindsNothingAndUnboundSymbolIsAnError() {
    ShapeCheck c = new ShapeCheck("f");
    assertThrows(IllegalArgumentException.class,
        () -> c.check("x", NDArray.zeros(DType.F32, 5, 2), DType.F32, "batch", 3));
    var e = assertThrows(IllegalStateException.class, () -> c.symbol("batch"));
    assertEquals("f: symbolic dimension 'batch' is not bound by any input", e.getMessage());
    c.check("y", NDArray.zeros(DType.F32, 7, 3), DType.F32, "batch", 3);
    assertEquals(7, c.symbol("batch"));
  }

  @Test
  void scalarsAndOtherDtypes() {
    ShapeCheck c = new ShapeCheck("f");
    c.check("lr", NDArray.scalar(0.1f), DType.F32);
    c.check("ids", NDArray.of(new int[] {1, 2}, 2), DType.I32, "n");
    c.check("table", NDArray.zeros(DType.F32, 2, 4), DType.F32, "n", 4L);
    assertEquals(2, c.symbol("n"));
  }
}

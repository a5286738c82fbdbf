package dev.kiln.compiler.ops;

import static dev.kiln.compiler.ops.OpTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.dsl.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** expandDims, squeeze, concat, split, slice, stack, gather, scatterAdd, oneHot and shape. */
class ShapeOps2Test {
  private static final Value M = f64(dims(2, 3), 1, 2, 3, 4, 5, 6);

  @Test
  void expandDimsAndSqueezeAreReshapes() {
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(3));
    assertEquals(Shape.of(BATCH, d(1), d(3)), Emit.expandDims(b, x, 1).shape());
    assertEquals(Shape.of(BATCH, d(3), d(1)), Emit.expandDims(b, x, -1).shape());
    assertEquals(Shape.of(d(1), BATCH, d(3)), Emit.expandDims(b, x, 0).shape());
    Node y = ph(b, DType.F32, d(1), BATCH, d(1), d(3));
    assertEquals(Shape.of(BATCH, d(3)), Emit.squeeze(b, y).shape());
    assertEquals(Shape.of(BATCH, d(1), d(3)), Emit.squeeze(b, y, 0).shape());
    assertShapeError("expandDims: axis 3 is out of range for shape [batch, 3]", () -> Emit.expandDims(b, x, 3));
    assertShapeError("squeeze: axis 3 of shape [1, batch, 1, 3] has size 3, not 1", () -> Emit.squeeze(b, y, 3));
    assertShapeError("squeeze: axis 4 is out of range for shape [1, batch, 1, 3]", () -> Emit.squeeze(b, y, 4));
    assertValue(f64(dims(2, 1, 3), 1, 2, 3, 4, 5, 6), eval((g, xs) -> Emit.expandDims(g, xs.get(0), 1), M));
  }

  @Test
  void concatValuesShapesAndErrors() {
    Value other = f64(dims(2, 1), 7, 8);
    assertValue(f64(dims(2, 4), 1, 2, 3, 7, 4, 5, 6, 8),
        eval((b, xs) -> Emit.concat(b, -1, xs), M, other));
    assertValue(f64(dims(4, 3), 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6),
        eval((b, xs) -> Emit.concat(b, 0, List.of(xs.get(0), xs.get(0))), M));
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(3));
    Node y = ph(b, DType.F32, BATCH, d(2));
    assertEquals(Shape.of(BATCH, d(5)), Emit.concat(b, 1, List.of(x, y)).shape());
    assertShapeError("concat: cannot join shapes [batch, 3] and [4, 2] along axis 1: every other dimension must be equal",
        () -> Emit.concat(b, 1, List.of(x, ph(b, DType.F32, 4, 2))));
    assertShapeError("concat: cannot join shape [batch, 3] along axis 0 because that dimension is the symbol batch",
        () -> Emit.concat(b, 0, List.of(x, x)));
    assertShapeError("concat: axis 2 is out of range for shape [batch, 3]", () -> Emit.concat(b, 2, List.of(x, y)));
    assertShapeError("concat: tensors have different dtypes, f32[batch, 3] and f64[batch, 3]; cast one of them",
        () -> Emit.concat(b, 1, List.of(x, ph(b, DType.F64, BATCH, d(3)))));
  }

  @Test
  void concatGradientIsSlices() {
    GradientCheck.check((b, xs) -> Emit.concat(b, 1, xs),
        List.of(Shape.of(BATCH, d(2)), Shape.of(BATCH, d(3)), Shape.of(BATCH, d(1))),
        GradientCheck.uniform(51, -1, 1, 2, 2), GradientCheck.uniform(52, -1, 1, 2, 3),
        GradientCheck.uniform(53, -1, 1, 2, 1));
  }

  @Test
  void sliceValuesGradientAndErrors() {
    assertValue(f64(dims(2, 2), 2, 3, 5, 6),
        eval((b, xs) -> Emit.slice(b, xs.get(0), new int[] {0, 1}, new int[] {-1, 2}), M));
    assertValue(f64(dims(1, 1), 4),
        eval((b, xs) -> Emit.slice(b, xs.get(0), new int[] {1, 0}, new int[] {1, 1}), M));
    GradientCheck.check((b, xs) -> Emit.slice(b, xs.get(0), new int[] {0, 1, 1}, new int[] {-1, 2, -1}),
        List.of(Shape.of(BATCH, d(4), d(3))), GradientCheck.uniform(54, -1, 1, 2, 4, 3));
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(4));
    assertEquals(Shape.of(BATCH, d(2)), Emit.slice(b, x, new int[] {0, 2}, new int[] {-1, -1}).shape());
    assertShapeError("slice: the slice of 3 from 2 is out of range for axis 1 of shape [batch, 4]",
        () -> Emit.slice(b, x, new int[] {0, 2}, new int[] {-1, 3}));
    assertShapeError("slice: axis 0 of shape [batch, 4] is the symbol batch, so it can only be taken"
        + " whole (begin 0, size -1), not from 1 with size -1",
        () -> Emit.slice(b, x, new int[] {1, 0}, new int[] {-1, -1}));
    assertShapeError("slice: begin [0] and size [1] must each have one entry per axis of shape [batch, 4]",
        () -> Emit.slice(b, x, new int[] {0}, new int[] {1}));
  }

  @Test
  void splitIntoEqualPartsAndSizes() {
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(6));
    List<Node> parts = Emit.splitEvenly(b, x, 3, 1);
    assertEquals(3, parts.size());
    parts.forEach(p -> assertEquals(Shape.of(BATCH, d(2)), p.shape()));
    assertEquals(Shape.of(BATCH, d(5)), Emit.split(b, x, -1, 1, 5).get(1).shape());
    assertShapeError("split: cannot cut axis 1 of shape [batch, 6] into 4 equal parts", () -> Emit.splitEvenly(b, x, 4, 1));
    assertShapeError("split: parts [2, 2] do not add up to axis 1 of shape [batch, 6]", () -> Emit.split(b, x, 1, 2, 2));
    assertValue(f64(dims(2, 1), 3, 6), eval((g, xs) -> Emit.splitEvenly(g, xs.get(0), 3, 1).get(2), M));
    // Parts recombined: every element's gradient arrives exactly once.
    GradientCheck.check((g, xs) -> {
      List<Node> p = Emit.split(g, xs.get(0), 1, 1, 2);
      return Emit.concat(g, 1, List.of(p.get(1), p.get(0), p.get(1)));
    }, GradientCheck.uniform(55, -1, 1, 2, 3));
  }

  @Test
  void stackAddsAnAxis() {
    assertValue(f64(dims(2, 2, 3), 1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6),
        eval((b, xs) -> Emit.stack(b, 1, List.of(xs.get(0), xs.get(0))), M));
    GraphBuilder b = new GraphBuilder();
    Node x = ph(b, DType.F32, BATCH, d(3));
    assertEquals(Shape.of(BATCH, d(3), d(2)), Emit.stack(b, -1, List.of(x, x)).shape());
    assertShapeError("stack: cannot stack shapes [batch, 3] and [batch, 2]; every tensor must have the same shape",
        () -> Emit.stack(b, 0, List.of(x, ph(b, DType.F32, BATCH, d(2)))));
    GradientCheck.check((g, xs) -> Emit.stack(g, 0, xs),
        GradientCheck.uniform(56, -1, 1, 2, 3), GradientCheck.uniform(57, -1, 1, 2, 3));
  }

  @Test
  void gatherLooksUpRowsForIndicesOfAnyShape() {
    Value table = f64(dims(3, 2), 0, 1, 10, 11, 20, 21);
    Value idx = of(DType.I64, dims(2, 2), 2, 0, 2, 1);
    assertValue(f64(dims(2, 2, 2), 20, 21, 0, 1, 20, 21, 10, 11),
        eval((b, xs) -> Emit.gather(b, xs.get(0), xs.get(1)), table, idx));
    assertValue(f64(dims(2), 1, 0), eval((b, xs) -> Emit.gather(b, xs.get(0), xs.get(1)),
        f64(dims(3), 0, 1, 2), of(DType.I32, dims(2), 1, 0)));
    GraphBuilder b = new GraphBuilder();
    Node emb = ph(b, DType.F32, 100, 8);
    Node tokens = ph(b, DType.I64, BATCH, TIME);
    assertEquals(Shape.of(BATCH, TIME, d(8)), Emit.gather(b, emb, tokens).shape());
    assertShapeError("gather: expects i32 or i64 indices, got f32[batch, 8]; cast them with cast(indices, I64)",
        () -> Emit.gather(b, emb, ph(b, DType.F32, BATCH, d(8))));
    assertThrows(IndexOutOfBoundsException.class, () -> eval((g, xs) -> Emit.gather(g, xs.get(0), xs.get(1)),
        table, of(DType.I64, dims(1), 3)));
  }

  @Test
  void gatherGradientAccumulatesRepeatedIndices() {
    Value idx = of(DType.I64, dims(2, 3), 1, 1, 0, 1, 3, 1); // row 1 four times, row 2 never
    Value table = GradientCheck.uniform(58, -1, 1, 4, 2);
    // dOut of ones: each row's gradient counts how often it was gathered.
    Value g = eval((b, xs) -> {
      Node out = Emit.gather(b, xs.get(0), xs.get(1));
      Node ones = Emit.constant(b, DType.F64, Shape.of(2, 3, 2), 1);
      return StandardOps.GATHER.gradient(b, out, ones).get(0);
    }, table, idx);
    assertValue(f64(dims(4, 2), 1, 1, 4, 4, 0, 0, 1, 1), g);
    GradientCheck.check((b, xs) -> Emit.gather(b, xs.get(0),
        Emit.constant(b, DType.I64, Shape.of(2, 3), 1, 1, 0, 1, 3, 1)), table);
    // And the scatter's own gradient (a gather) for second-order use.
    GradientCheck.check((b, xs) -> Emit.scatterAdd(b, xs.get(0),
        Emit.constant(b, DType.I32, Shape.of(3), 2, 0, 2), Emit.constant(b, DType.F64, Shape.of(3, 2), 0)),
        GradientCheck.uniform(59, -1, 1, 3, 2));
  }

  @Test
  void oneHotAndShape() {
    assertValue(of(DType.F32, dims(2, 3), 0, 1, 0, 0, 0, 0),
        eval((b, xs) -> Emit.oneHot(b, xs.get(0), 3), of(DType.I64, dims(2), 1, 5)));
    GraphBuilder b = new GraphBuilder();
    assertEquals(Shape.of(BATCH, TIME, d(4)), Emit.oneHot(b, ph(b, DType.I32, BATCH, TIME), 4).shape());
    assertShapeError("oneHot: expects i32 or i64 indices, got f32[3]", () -> Emit.oneHot(b, ph(b, DType.F32, 3), 4));
    assertValue(of(DType.I64, dims(3), 5, 2, 3),
        eval((g, xs) -> Emit.shape(g, xs.get(0)), List.of(Shape.of(BATCH, d(2), d(3))),
            GradientCheck.uniform(60, 0, 1, 5, 2, 3)));
    assertEquals(Shape.of(2), Emit.shape(b, ph(b, DType.F32, BATCH, d(7))).shape());
  }
}

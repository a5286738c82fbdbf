package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpDef;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The block of x starting at the attribute {@code begin} with the attribute {@code size} elements
 * along each axis (TensorFlow's {@code slice}); a size of -1 takes the rest of the axis. Both are
 * checked at build time, so a symbolic axis may only be taken whole (begin 0, size -1). The
 * gradient places dOut back into zeros of x's shape ({@link Unslice}).
 */
final class Slice implements OpDef {
  @Override
  public String name() {
    return "Slice";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType x = inputs.get(0);
    return new TensorType(x.dtype(), outShape("slice", x.shape(), attrs.getInts("begin"),
        attrs.getInts("size")));
  }

  /** The sliced shape, or a ShapeError naming {@code op}. */
  static Shape outShape(String op, Shape x, int[] begin, int[] size) {
    if (begin.length != x.rank() || size.length != x.rank()) {
      throw new ShapeError(op + ": begin " + Arrays.toString(begin) + " and size "
          + Arrays.toString(size) + " must each have one entry per axis of shape " + x);
    }
    List<Dim> out = new ArrayList<>();
    for (int d = 0; d < x.rank(); d++) {
      Dim dim = x.dim(d);
      if (!dim.isStatic()) {
        if (begin[d] != 0 || size[d] != -1) {
          throw new ShapeError(op + ": axis " + d + " of shape " + x + " is the symbol " + dim
              + ", so it can only be taken whole (begin 0, size -1), not from " + begin[d]
              + " with size " + size[d]);
        }
        out.add(dim);
        continue;
      }
      long end = size[d] == -1 ? dim.size() : (long) begin[d] + size[d];
      if (begin[d] < 0 || size[d] < -1 || end > dim.size() || end < begin[d]) {
        throw new ShapeError(op + ": the slice of " + size[d] + " from " + begin[d]
            + " is out of range for axis " + d + " of shape " + x);
      }
      out.add(Dim.of(end - begin[d]));
    }
    return new Shape(out);
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return List.of(Emit.unslice(b, dOut, node.input(0), node.attrs().getInts("begin")));
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    int[] begin = attrs.getInts("begin");
    int[] size = attrs.getInts("size");
    int[] shape = x.shape();
    int[] outShape = new int[shape.length];
    for (int d = 0; d < shape.length; d++) {
      outShape[d] = size[d] == -1 ? shape[d] - begin[d] : size[d];
    }
    int[] src = blockIndex(shape, outShape, begin);
    double[] out = new double[src.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = x.get(src[i]);
    }
    return new Value(x.dtype(), outShape, out);
  }

  /** For each element of a block of {@code block} at {@code begin}, its flat index in {@code shape}. */
  static int[] blockIndex(int[] shape, int[] block, int[] begin) {
    int n = Value.sizeOf(block);
    int[] strides = Value.strides(shape);
    int[] idx = new int[n];
    int[] coord = new int[block.length];
    for (int flat = 0; flat < n; flat++) {
      int src = 0;
      for (int d = 0; d < block.length; d++) {
        src += (coord[d] + begin[d]) * strides[d];
      }
      idx[flat] = src;
      for (int d = block.length - 1; d >= 0; d--) {
        if (++coord[d] < block[d]) {
          break;
        }
        coord[d] = 0;
      }
    }
    return idx;
  }

  /** Moves data without arithmetic, so f16/bf16 pass through (see OpDef). */
  @Override
  public boolean acceptsStorageTypes() {
    return true;
  }
}

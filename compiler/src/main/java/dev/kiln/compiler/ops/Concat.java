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
import java.util.List;

/**
 * Joins one or more tensors of one dtype and rank along the attribute {@code axis} (negative
 * counts from the end). Every other dimension must agree; the joined dimension must be static in
 * each input (its sum has to be a size the IR can name). The gradient is one slice per input.
 */
final class Concat implements OpDef {
  @Override
  public String name() {
    return "Concat";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    if (inputs.isEmpty()) {
      throw new ShapeError("concat: expects at least one tensor");
    }
    TensorType first = inputs.get(0);
    int axis = attrs.getInt("axis");
    int a = first.shape().normalizeAxis(axis);
    if (a < 0) {
      throw new ShapeError("concat: axis " + axis + " is out of range for shape " + first.shape());
    }
    if (inputs.size() == 1) {
      return first;
    }
    long total = 0;
    for (TensorType t : inputs) {
      if (t.dtype() != first.dtype()) {
        throw new ShapeError("concat: tensors have different dtypes, " + first + " and " + t
            + "; cast one of them");
      }
      boolean same = t.rank() == first.rank();
      for (int d = 0; same && d < t.rank(); d++) {
        same = d == a || t.shape().dim(d).equals(first.shape().dim(d));
      }
      if (!same) {
        throw new ShapeError("concat: cannot join shapes " + first.shape() + " and " + t.shape()
            + " along axis " + axis + ": every other dimension must be equal");
      }
    }
    for (TensorType t : inputs) {
      Dim d = t.shape().dim(a);
      if (!d.isStatic()) {
        throw new ShapeError("concat: cannot join shape " + t.shape() + " along axis " + axis
            + " because that dimension is the symbol " + d);
      }
      total += d.size();
    }
    return new TensorType(first.dtype(), first.shape().withDim(a, Dim.of(total)));
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    int a = node.shape().normalizeAxis(node.attrs().getInt("axis"));
    List<Node> grads = new ArrayList<>();
    if (node.inputs().size() == 1) {
      return List.of(dOut);
    }
    long offset = 0;
    for (Node in : node.inputs()) {
      int r = in.shape().rank();
      int[] begin = new int[r];
      int[] size = new int[r];
      java.util.Arrays.fill(size, -1);
      begin[a] = (int) offset;
      size[a] = (int) in.shape().dim(a).size();
      grads.add(Emit.slice(b, dOut, begin, size));
      offset += in.shape().dim(a).size();
    }
    return grads;
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value first = inputs.get(0);
    int axis = attrs.getInt("axis");
    int a = axis < 0 ? axis + first.rank() : axis;
    int[] shape = first.shape();
    int outer = 1;
    for (int d = 0; d < a; d++) {
      outer *= shape[d];
    }
    int joined = 0;
    for (Value v : inputs) {
      joined += v.dim(a);
    }
    shape[a] = joined;
    double[] out = new double[Value.sizeOf(shape)];
    int pos = 0;
    for (int o = 0; o < outer; o++) {
      for (Value v : inputs) {
        int block = v.size() / Math.max(1, outer);
        System.arraycopy(v.data(), o * block, out, pos, block);
        pos += block;
      }
    }
    return new Value(first.dtype(), shape, out);
  }

  /** Moves data without arithmetic, so f16/bf16 pass through (see OpDef). */
  @Override
  public boolean acceptsStorageTypes() {
    return true;
  }
}

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
 * Permutes the axes of a tensor: output axis i is input axis {@code perm[i]} (the attribute
 * {@code perm}, a permutation of 0..rank-1), as NumPy's {@code transpose(x, perm)}.
 */
final class Transpose implements OpDef {
  @Override
  public String name() {
    return "Transpose";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType x = inputs.get(0);
    int[] perm = attrs.getInts("perm");
    boolean[] seen = new boolean[x.rank()];
    boolean ok = perm.length == x.rank();
    for (int p : perm) {
      ok &= p >= 0 && p < x.rank() && !seen[p];
      if (ok) {
        seen[p] = true;
      }
    }
    if (!ok) {
      throw new ShapeError("permute: " + Arrays.toString(perm) + " is not a permutation of the "
          + x.rank() + " axes of shape " + x.shape());
    }
    List<Dim> out = new ArrayList<>();
    for (int p : perm) {
      out.add(x.shape().dim(p));
    }
    return new TensorType(x.dtype(), new Shape(out));
  }

  static int[] inverse(int[] perm) {
    int[] inv = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      inv[perm[i]] = i;
    }
    return inv;
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return List.of(Emit.permute(b, dOut, inverse(node.attrs().getInts("perm"))));
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    int[] perm = attrs.getInts("perm");
    int r = perm.length;
    int[] inShape = x.shape();
    int[] outShape = new int[r];
    for (int i = 0; i < r; i++) {
      outShape[i] = inShape[perm[i]];
    }
    int[] inStrides = Value.strides(inShape);
    double[] out = new double[x.size()];
    int[] coord = new int[r];
    for (int flat = 0; flat < out.length; flat++) {
      int src = 0;
      for (int i = 0; i < r; i++) {
        src += coord[i] * inStrides[perm[i]];
      }
      out[flat] = x.get(src);
      for (int d = r - 1; d >= 0; d--) {
        if (++coord[d] < outShape[d]) {
          break;
        }
        coord[d] = 0;
      }
    }
    return new Value(x.dtype(), outShape, out);
  }

  /** Moves data without arithmetic, so f16/bf16 pass through (see OpDef). */
  @Override
  public boolean acceptsStorageTypes() {
    return true;
  }
}

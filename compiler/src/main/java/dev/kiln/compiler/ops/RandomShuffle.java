package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpDef;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The slices of {@code x} along axis 0 in a random order, drawn from the model's seeded generator
 * by Fisher-Yates ({@code for i = n-1 down to 1: swap i with nextInt(i + 1)}). Impure: never
 * merged by CSE. Not differentiable (the permutation is not kept for a backward pass).
 */
final class RandomShuffle implements OpDef {
  @Override
  public String name() {
    return "RandomShuffle";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public boolean isPure() {
    return false;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType x = inputs.get(0);
    if (x.rank() == 0) {
      throw new ShapeError("randomShuffle: expects a tensor with at least one axis, got the scalar " + x);
    }
    return x;
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    throw new ShapeError("randomShuffle: has no gradient; shuffle data outside the differentiated path");
  }

  /** The permutation: row i of the result is row perm[i] of the input. */
  static int[] permutation(int n, RandomGenerator rng) {
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    return perm;
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    int n = x.dim(0);
    int row = n == 0 ? 0 : x.size() / n;
    int[] perm = permutation(n, ctx.rng());
    double[] out = new double[x.size()];
    for (int i = 0; i < n; i++) {
      System.arraycopy(x.data(), perm[i] * row, out, i * row, row);
    }
    return new Value(x.dtype(), x.shape(), out);
  }
}

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The same elements, row-major, in the shape given by the attribute {@code shape}.
 *
 * <p>In the IR the target shape is always fully resolved: there is no -1 in it ({@link Dim} cannot
 * even hold one). A user's -1 is resolved at build time by {@link Emit#reshape(GraphBuilder, Node,
 * long...)} via {@link #resolve}, which may turn it into a symbol ({@code [batch, 28, 28]} reshaped
 * to {@code (-1, 784)} gives {@code [batch, 784]}). The shape rule accepts a target whose symbolic
 * dims are the same multiset as the input's and whose static dims multiply to the same count.
 *
 * <p>Optional attribute {@code from}: the input's (symbolic) shape, recorded by {@link Emit} so
 * that the reference evaluation can bind each symbol of the target to its run-time size; without
 * it the target may hold at most one symbolic dim, whose size follows from the element count.
 */
final class Reshape implements OpDef {
  @Override
  public String name() {
    return "Reshape";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType x = inputs.get(0);
    Shape target = attrs.get("shape");
    Count in = Count.of(x.shape());
    Count out = Count.of(target);
    if (!in.symbols.equals(out.symbols)) {
      throw new ShapeError("reshape: cannot reshape " + x.shape() + " to " + target
          + " because their symbolic dimensions differ (" + in.describeSymbols() + " vs "
          + out.describeSymbols() + ")");
    }
    if (in.staticCount != out.staticCount) {
      throw new ShapeError("reshape: cannot reshape " + x.shape() + " to " + target
          + " because they hold different numbers of elements (" + in.describe() + " vs "
          + out.describe() + ")");
    }
    return new TensorType(x.dtype(), target);
  }

  /**
   * Resolves a user's target sizes, at most one of them -1, against the input shape: -1 becomes
   * the static size that makes the element counts equal, or the input's one symbolic dim when the
   * static sizes already account for every static element. Throws ShapeError otherwise.
   */
  static Shape resolve(Shape input, long... sizes) {
    int inferred = -1;
    long known = 1;
    List<Dim> dims = new ArrayList<>(sizes.length);
    for (int i = 0; i < sizes.length; i++) {
      if (sizes[i] == -1) {
        if (inferred >= 0) {
          throw new ShapeError("reshape: at most one dimension of the target "
              + formatSizes(sizes) + " may be -1");
        }
        inferred = i;
        dims.add(null);
      } else if (sizes[i] < 0) {
        throw new ShapeError("reshape: the target " + formatSizes(sizes)
            + " has a negative dimension " + sizes[i]);
      } else {
        known *= sizes[i];
        dims.add(Dim.of(sizes[i]));
      }
    }
    if (inferred < 0) {
      return new Shape(dims);
    }
    Count in = Count.of(input);
    Dim d;
    if (in.symbols.isEmpty() && known != 0 && in.staticCount % known == 0) {
      d = Dim.of(in.staticCount / known);
    } else if (in.symbols.size() == 1 && in.symbols.firstEntry().getValue() == 1
        && known == in.staticCount) {
      d = Dim.symbol(in.symbols.firstKey());
    } else {
      throw new ShapeError("reshape: cannot infer the -1 in " + formatSizes(sizes)
          + " for shape " + input + " (" + in.describe() + " elements)");
    }
    dims.set(inferred, d);
    return new Shape(dims);
  }

  private static String formatSizes(long[] sizes) {
    return java.util.Arrays.toString(sizes);
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return List.of(Emit.reshape(b, dOut, node.input(0).shape()));
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    Shape target = attrs.get("shape");
    Map<String, Integer> bound = new HashMap<>();
    if (attrs.has("from")) {
      Shape from = attrs.get("from");
      for (int i = 0; i < from.rank(); i++) {
        if (!from.dim(i).isStatic()) {
          bound.put(from.dim(i).symbol(), x.dim(i));
        }
      }
    }
    int[] shape = new int[target.rank()];
    long known = 1;
    int unknown = -1;
    for (int i = 0; i < shape.length; i++) {
      Dim d = target.dim(i);
      Integer size = d.isStatic() ? Integer.valueOf((int) d.size()) : bound.get(d.symbol());
      if (size == null) {
        if (unknown >= 0) {
          throw new IllegalArgumentException("reshape to " + target
              + " needs the attribute 'from' to bind its symbols");
        }
        unknown = i;
      } else {
        shape[i] = size;
        known *= size;
      }
    }
    if (unknown >= 0) {
      shape[unknown] = known == 0 ? 0 : (int) (x.size() / known);
    }
    return new Value(x.dtype(), shape, x.data());
  }

  /** Element count of a shape: static product and the multiset of symbols. */
  private record Count(long staticCount, TreeMap<String, Integer> symbols) {
    static Count of(Shape s) {
      long n = 1;
      TreeMap<String, Integer> symbols = new TreeMap<>();
      for (Dim d : s.dims()) {
        if (d.isStatic()) {
          n *= d.size();
        } else {
          symbols.merge(d.symbol(), 1, Integer::sum);
        }
      }
      return new Count(n, symbols);
    }

    String describeSymbols() {
      if (symbols.isEmpty()) {
        return "none";
      }
      List<String> parts = new ArrayList<>();
      symbols.forEach((s, k) -> parts.add(k == 1 ? s : s + "^" + k));
      return String.join("·", parts);
    }

    String describe() {
      return symbols.isEmpty() ? Long.toString(staticCount)
          : staticCount + " per " + describeSymbols();
    }
  }

  /** Moves data without arithmetic, so f16/bf16 pass through (see OpDef). */
  @Override
  public boolean acceptsStorageTypes() {
    return true;
  }
}

package dev.kiln.processor.eval;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import dev.kiln.processor.eval.Value.BoolValue;
import dev.kiln.processor.eval.Value.DTypeValue;
import dev.kiln.processor.eval.Value.DimValue;
import dev.kiln.processor.eval.Value.InitValue;
import dev.kiln.processor.eval.Value.NumberValue;
import dev.kiln.processor.eval.Value.ScalarValue;
import dev.kiln.processor.eval.Value.TensorValue;
import java.util.List;

/**
 * One call of a DSL op being evaluated: its evaluated arguments (for a fluent call the receiver is
 * argument 0), their trees for diagnostics, and the graph under construction.
 */
final class Call {
  /** The role of the field whose initializer is being evaluated, if any. */
  enum FieldRole { INPUT, PARAM, STATE, OTHER }

  final String written;
  final String op;
  final List<Value> args;
  final List<? extends Tree> argTrees;
  final Tree tree;
  final CompilationUnitTree unit;
  final GraphBuilder b;
  final String fieldName;
  final FieldRole fieldRole;

  Call(String written, String op, List<Value> args, List<? extends Tree> argTrees, Tree tree,
      CompilationUnitTree unit, GraphBuilder b, String fieldName, FieldRole fieldRole) {
    this.written = written;
    this.op = op;
    this.args = args;
    this.argTrees = argTrees;
    this.tree = tree;
    this.unit = unit;
    this.b = b;
    this.fieldName = fieldName;
    this.fieldRole = fieldRole;
  }

  int count() {
    return args.size();
  }

  Value raw(int i) {
    return args.get(i);
  }

  EvalError error(String message) {
    return new EvalError(tree, unit, message);
  }

  EvalError errorAt(int i, String message) {
    return new EvalError(i < argTrees.size() ? argTrees.get(i) : tree, unit, message);
  }

  void arity(int min, int max) {
    if (count() < min || count() > max) {
      String expected = min == max ? Integer.toString(min) : max == Integer.MAX_VALUE ? "at least " + min : min + " to " + max;
      throw error(written + ": expects " + expected + " argument" + (max == 1 ? "" : "s") + ", got " + count());
    }
  }

  private String position(int i) {
    return written + ": argument " + (i + 1);
  }

  /** Argument {@code i} as a graph node; a {@code scalar(v)} becomes an f32 constant. */
  Node tensor(int i) {
    return switch (raw(i)) {
      case TensorValue t -> t.node();
      case ScalarValue s -> Emit.scalar(b, DType.F32, s.value());
      case Value v -> throw errorAt(i, position(i) + " must be a tensor, got " + v.describe());
    };
  }

  /** Argument {@code i} as a node of dtype {@code like} when it is a number or scalar(v). */
  Node tensorLike(int i, DType like) {
    return switch (raw(i)) {
      case TensorValue t -> t.node();
      case ScalarValue s -> Emit.scalar(b, like.isFloating() ? like : DType.F32, s.value());
      case NumberValue n -> Emit.scalar(b, like, n.value().doubleValue());
      case Value v -> throw errorAt(i, position(i) + " must be a tensor or a number, got " + v.describe());
    };
  }

  int intArg(int i) {
    if (raw(i) instanceof NumberValue n && n.isIntegral()
        && n.value().longValue() == n.value().intValue()) {
      return n.value().intValue();
    }
    throw errorAt(i, position(i) + " must be a compile-time int, got " + raw(i).describe());
  }

  /** Argument {@code i} as a size: a compile-time int above zero. */
  long positiveSize(int i) {
    int v = intArg(i);
    if (v <= 0) {
      throw errorAt(i, written + ": a size must be positive, got " + v);
    }
    return v;
  }

  /** Argument {@code i} as a dimension: a symbolic {@code Dim} or a positive size. */
  Dim dim(int i) {
    return raw(i) instanceof DimValue d ? Dim.symbol(d.symbol()) : Dim.of(positiveSize(i));
  }

  int[] ints(int from) {
    int[] out = new int[Math.max(0, count() - from)];
    for (int i = from; i < count(); i++) {
      out[i - from] = intArg(i);
    }
    return out;
  }

  /** Argument {@code i} as an array of compile-time ints ({@code new int[] {0, 1}}). */
  int[] intArray(int i) {
    if (raw(i) instanceof Value.ArrayValue(List<Value> elements)) {
      int[] out = new int[elements.size()];
      for (int k = 0; k < out.length; k++) {
        if (!(elements.get(k) instanceof NumberValue n) || !n.isIntegral()
            || n.value().longValue() != n.value().intValue()) {
          throw errorAt(i, position(i) + " must be an array of compile-time ints, but element " + k
              + " is " + elements.get(k).describe());
        }
        out[k] = n.value().intValue();
      }
      return out;
    }
    throw errorAt(i, position(i) + " must be an array of compile-time ints such as new int[] {0, 1}, got "
        + raw(i).describe());
  }

  /**
   * Arguments {@code from..} as tensors, Java varargs style: either the tensors themselves or one
   * array of them (such as the parts of {@code split}).
   */
  List<Node> tensors(int from) {
    List<Node> out = new java.util.ArrayList<>();
    if (count() == from + 1 && raw(from) instanceof Value.ArrayValue(List<Value> elements)) {
      for (int k = 0; k < elements.size(); k++) {
        if (!(elements.get(k) instanceof TensorValue t)) {
          throw errorAt(from, position(from) + " must hold tensors, but element " + k + " is "
              + elements.get(k).describe());
        }
        out.add(t.node());
      }
      return out;
    }
    for (int i = from; i < count(); i++) {
      out.add(tensor(i));
    }
    return out;
  }

  double number(int i) {
    if (raw(i) instanceof NumberValue n) {
      return n.value().doubleValue();
    }
    throw errorAt(i, position(i) + " must be a compile-time number, got " + raw(i).describe());
  }

  boolean bool(int i) {
    if (raw(i) instanceof BoolValue v) {
      return v.value();
    }
    throw errorAt(i, position(i) + " must be a compile-time boolean, got " + raw(i).describe());
  }

  DType dtype(int i) {
    if (raw(i) instanceof DTypeValue d) {
      return d.dtype();
    }
    throw errorAt(i, position(i) + " must be a dtype such as F32, got " + raw(i).describe());
  }

  InitValue init(int i) {
    if (raw(i) instanceof InitValue v) {
      return v;
    }
    throw errorAt(i, position(i) + " must be an initializer such as truncatedNormal(0, 0.1), got " + raw(i).describe());
  }
}

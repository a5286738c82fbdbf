package dev.kiln.processor.eval;

import dev.kiln.compiler.ir.Node;
import dev.kiln.dsl.DType;
import java.util.Arrays;

/** What an expression in model code evaluates to at build time. */
public sealed interface Value {

  /** Describes the value in a diagnostic: {@code a tensor f32[batch, 10]}, {@code the int 3}. */
  String describe();

  /** A graph tensor. */
  record TensorValue(Node node) implements Value {
    @Override
    public String describe() {
      return "a tensor " + node.type();
    }
  }

  /**
   * {@code Ops.scalar(v)}: a scalar tensor constant whose floating dtype follows the tensor it is
   * combined with (f32 on its own); materialized when it meets a tensor.
   */
  record ScalarValue(double value) implements Value {
    @Override
    public String describe() {
      return "the scalar tensor " + value;
    }
  }

  /** A compile-time number, boxed as Integer, Long, Float or Double (Java's numeric kinds). */
  record NumberValue(Number value) implements Value {
    @Override
    public String describe() {
      return "the " + typeName() + " " + value;
    }

    public String typeName() {
      return switch (value) {
        case Integer i -> "int";
        case Long l -> "long";
        case Float f -> "float";
        default -> "double";
      };
    }

    public boolean isIntegral() {
      return value instanceof Integer || value instanceof Long;
    }
  }

  record BoolValue(boolean value) implements Value {
    @Override
    public String describe() {
      return "the boolean " + value;
    }
  }

  record StringValue(String value) implements Value {
    @Override
    public String describe() {
      return "the string \"" + value + "\"";
    }
  }

  record DTypeValue(DType dtype) implements Value {
    @Override
    public String describe() {
      return "the dtype " + dtype.label();
    }
  }

  /** A symbolic dimension ({@code Ops.BATCH}, {@code Dim.named("seq")}). */
  record DimValue(String symbol) implements Value {
    @Override
    public String describe() {
      return "the symbolic dimension " + symbol;
    }
  }

  /** A constant of an enum, such as a layer's {@code Activation.RELU}. */
  record EnumValue(String type, String constant) implements Value {
    @Override
    public String describe() {
      return "the enum constant " + type.substring(type.lastIndexOf('.') + 1) + "." + constant;
    }
  }

  /**
   * A lambda (or {@code this::method}) passed to {@code cond}, {@code whileLoop} or {@code scan}:
   * {@code body} evaluates it into a region (its parameters bound to {@code args}, nodes built by
   * the region's builder, outer tensors captured). {@code tree} is where an error about what it
   * computes is reported (a lambda's body); {@code outer} is the region it is written in, null at
   * the top level of a method.
   */
  record FunctionValue(com.sun.source.tree.Tree tree, int arity,
      dev.kiln.compiler.ops.RegionBuilder outer, Body body) implements Value {
    @FunctionalInterface
    public interface Body {
      Value apply(dev.kiln.compiler.ops.RegionBuilder region, java.util.List<Value> args);
    }

    @Override
    public String describe() {
      return "a function";
    }
  }

  /** A layer: an object of a {@code @Model} class held in a field of the model. */
  record ModelValue(Instance instance) implements Value {
    @Override
    public String describe() {
      return instance.describe();
    }
  }

  /** A variable initializer: its kind as the IR names it and its parameters. */
  record InitValue(String kind, double[] args) implements Value {
    @Override
    public String describe() {
      return "the initializer " + kind + Arrays.toString(args).replace('[', '(').replace(']', ')');
    }
  }

  /**
   * An {@code @Input SparseTensor}: the three placeholders of a COO sparse matrix (indices,
   * values, shape witness; see {@code Emit.sparsePlaceholder}). Only sparseMatmul and
   * sparseToDense take one.
   */
  record SparseValue(Node indices, Node values, Node shape) implements Value {
    @Override
    public String describe() {
      return "the SparseTensor '" + indices.attrs().<String>get("sparse") + "' " + values.type().dtype().label()
          + shape.shape().toString().replace(", 0]", "]")
          + " (only sparseMatmul and sparseToDense take a SparseTensor; use sparseToDense(a) for a dense tensor)";
    }
  }

  /**
   * A Java array built at compile time: the parts of {@code split(...)}, or {@code new int[] {...}}
   * / {@code new Tensor[] {...}} in model code. Indexed with compile-time ints.
   */
  record ArrayValue(java.util.List<Value> elements) implements Value {
    public ArrayValue {
      elements = java.util.List.copyOf(elements);
    }

    @Override
    public String describe() {
      return "an array of " + elements.size() + " element" + (elements.size() == 1 ? "" : "s");
    }
  }
}

package dev.kiln.compiler.ir;

import dev.kiln.dsl.DType;

/** The static type of a graph value: element type and shape. */
public record TensorType(DType dtype, Shape shape) {
  public static TensorType scalar(DType dtype) {
    return new TensorType(dtype, Shape.SCALAR);
  }

  public int rank() {
    return shape.rank();
  }

  @Override
  public String toString() {
    return dtype.label() + shape;
  }
}

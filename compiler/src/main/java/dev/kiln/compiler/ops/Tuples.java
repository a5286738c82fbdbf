package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.Value;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the reference interpreter holds the several results of a control-flow node in one
 * {@link Value}: an f64 vector [count, then per result: dtype ordinal, rank, dims, elements].
 * Every dtype's elements are exact in a double, so nothing is lost; only {@link Output} reads it.
 */
final class Tuples {
  private Tuples() {}

  static Value pack(List<Value> parts) {
    List<Double> d = new ArrayList<>();
    d.add((double) parts.size());
    for (Value v : parts) {
      d.add((double) v.dtype().ordinal());
      d.add((double) v.rank());
      for (int s : v.shape()) {
        d.add((double) s);
      }
      for (double x : v.data()) {
        d.add(x);
      }
    }
    double[] data = d.stream().mapToDouble(Double::doubleValue).toArray();
    return new Value(DType.F64, new int[] {data.length}, data);
  }

  static List<Value> unpack(Value packed) {
    double[] d = packed.data();
    int count = (int) d[0];
    int at = 1;
    List<Value> out = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      DType t = DType.values()[(int) d[at++]];
      int rank = (int) d[at++];
      int[] shape = new int[rank];
      for (int i = 0; i < rank; i++) {
        shape[i] = (int) d[at++];
      }
      int n = Value.sizeOf(shape);
      out.add(new Value(t, shape, Arrays.copyOfRange(d, at, at + n)));
      at += n;
    }
    return out;
  }
}

package dev.kiln.bench.models;

import static dev.kiln.dsl.Ops.*;

import dev.kiln.dsl.Fetch;
import dev.kiln.dsl.Input;
import dev.kiln.dsl.Model;
import dev.kiln.dsl.Tensor;

/**
 * Workload 6: a chain of elementwise ops over 16M floats that fusion turns into one pass: reads
 * two arrays, writes one (192 MiB moved per call).
 */
@Model
public class ElementwiseChain {
  static final int N = 16 * 1024 * 1024;

  @Input Tensor x = placeholder(F32, N);
  @Input Tensor y = placeholder(F32, N);

  @Fetch Tensor chain() { return relu(x.times(2f).plus(y)).minus(y.times(0.5f)).times(x); }
}

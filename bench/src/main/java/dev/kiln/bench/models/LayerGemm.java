package dev.kiln.bench.models;

import static dev.kiln.dsl.Ops.*;

import dev.kiln.dsl.Fetch;
import dev.kiln.dsl.Input;
import dev.kiln.dsl.Model;
import dev.kiln.dsl.Tensor;

/** Workload 5: the MLP's first layer as one sgemm, 100×784 by 784×256. */
@Model
public class LayerGemm {
  @Input Tensor x = placeholder(F32, 100, 784);
  @Input Tensor w = placeholder(F32, 784, 256);

  @Fetch Tensor product() { return matmul(x, w); }
}

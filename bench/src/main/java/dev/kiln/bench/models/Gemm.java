package dev.kiln.bench.models;

import static dev.kiln.dsl.Ops.*;

import dev.kiln.dsl.Fetch;
import dev.kiln.dsl.Input;
import dev.kiln.dsl.Model;
import dev.kiln.dsl.Tensor;

/** Workload 5: one sgemm, 1024³. */
@Model
public class Gemm {
  @Input Tensor a = placeholder(F32, 1024, 1024);
  @Input Tensor b = placeholder(F32, 1024, 1024);

  @Fetch Tensor product() { return matmul(a, b); }
}

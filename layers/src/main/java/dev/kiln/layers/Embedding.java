package dev.kiln.layers;

import static dev.kiln.dsl.Ops.*;

import dev.kiln.dsl.Model;
import dev.kiln.dsl.Param;
import dev.kiln.dsl.Tensor;

/**
 * A lookup table of {@code vocab} rows of {@code dim} features: {@code lookup(ids)} maps integer
 * ids [...] to their rows [..., dim]. Its variable {@code <field>/table} starts uniform in
 * [-0.05, 0.05]; gradients reach only the rows looked up.
 */
@Model
public class Embedding {
  final int vocab;
  final int dim;
  @Param Tensor table;

  public Embedding(int vocab, int dim) {
    this.vocab = vocab;
    this.dim = dim;
    table = variable(randomUniform(-0.05, 0.05), vocab, dim);
  }

  public Tensor lookup(Tensor ids) {
    return gather(table, ids);
  }
}

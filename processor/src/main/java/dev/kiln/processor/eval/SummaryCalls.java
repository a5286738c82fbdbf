package dev.kiln.processor.eval;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Summary;
import dev.kiln.processor.eval.Value.StringValue;
import dev.kiln.processor.eval.Value.TensorValue;

/**
 * The DSL's summaries, {@code scalarSummary(tag, x)}, {@code histogramSummary},
 * {@code imageSummary}: each records {@code x} in the model's summaries under its scoped tag and
 * returns {@code x} itself, so it chains and adds no node.
 */
final class SummaryCalls {
  private SummaryCalls() {}

  static Value summary(Call c, Summary.Kind kind) {
    c.arity(2, 2);
    if (!(c.raw(0) instanceof StringValue(String tag)) || tag.isBlank()) {
      throw c.errorAt(0, c.written + ": the tag must be a compile-time, non-blank string, got "
          + c.raw(0).describe());
    }
    Node x = c.tensor(1);
    int rank = x.shape().rank();
    switch (kind) {
      case SCALAR -> {
        if (x.shape().dims().stream().anyMatch(d -> !d.isStatic() || d.size() != 1)) {
          throw c.errorAt(1, c.written + ": expected a tensor of one element, got " + x.type()
              + "; reduce it first, e.g. with reduceMean(...)");
        }
      }
      case IMAGE -> {
        boolean channelsOk = rank == 2 || (x.shape().dims().getLast().isStatic()
            && java.util.Set.of(1L, 3L, 4L).contains(x.shape().dims().getLast().size()));
        if (rank < 2 || rank > 4 || !channelsOk) {
          throw c.errorAt(1, c.written + ": expected images [h, w], [h, w, c] or [n, h, w, c] with c 1, 3"
              + " or 4, got " + x.type());
        }
      }
      case HISTOGRAM -> { }
    }
    if (x.type().dtype() == dev.kiln.dsl.DType.F16 || x.type().dtype() == dev.kiln.dsl.DType.BF16) {
      throw c.errorAt(1, c.written + ": " + x.type().dtype().label() + " is a storage type; cast it to f32 first");
    }
    String scope = c.b.scope();
    String scoped = scope.isEmpty() ? tag : scope + "/" + tag;
    for (Summary s : c.b.summaries()) {
      if (s.tag().equals(scoped)) {
        if (s.node() == x && s.kind() == kind) {
          return new TensorValue(x); // the same call evaluated again (a method read twice)
        }
        throw c.errorAt(0, c.written + ": the tag " + scoped
            + " is already used by another summary; give each summary its own tag");
      }
    }
    c.b.addSummary(new Summary(scoped, kind, x));
    return new TensorValue(x);
  }
}

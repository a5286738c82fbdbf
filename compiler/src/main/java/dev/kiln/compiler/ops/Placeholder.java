package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import java.util.List;

/** A value fed by the caller; attributes {@code name}, {@code dtype}, {@code shape}. */
final class Placeholder extends SourceOp {
  @Override
  public String name() {
    return "Placeholder";
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    return ctx.feed(attrs.get("name"));
  }
}

package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import java.util.List;

/**
 * A parameter of a {@link dev.kiln.compiler.ir.Region}: the value its control-flow op hands in
 * (a loop variable or a captured outer tensor). Bound by position in the region's param list;
 * attributes {@code dtype}, {@code shape} and optionally {@code name}.
 */
final class Arg extends SourceOp {
  @Override
  public String name() {
    return "Arg";
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    throw new IllegalStateException("an Arg is bound by the control-flow op that runs its region");
  }
}

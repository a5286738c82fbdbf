package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import java.util.List;

/**
 * A model variable's current value. Attributes: {@code name}, {@code dtype}, static
 * {@code shape}, {@code init} (an initializer kind: constant, zeros, ones, truncatedNormal,
 * randomNormal, randomUniform, glorotUniform), {@code initArgs} (double[]), {@code trainable}.
 */
final class Variable extends SourceOp {
  @Override
  public String name() {
    return "Variable";
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    return ctx.variable(attrs.get("name"));
  }
}

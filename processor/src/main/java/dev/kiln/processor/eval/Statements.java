package dev.kiln.processor.eval;

import static dev.kiln.processor.eval.Ctx.error;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import dev.kiln.processor.eval.Value.BoolValue;
import dev.kiln.processor.eval.Value.TensorValue;

/**
 * Executes the statements of model code: blocks, locals, returns, compile-time {@code if}s and
 * {@code for} loops unrolled at build time. A statement returns the returned value, else null.
 */
final class Statements {
  private static final int MAX_LOOP_ITERATIONS = 10_000;

  private final Evaluator ev;

  Statements(Evaluator ev) {
    this.ev = ev;
  }

  /** Executes a statement; returns the returned value when it executed a return, else null. */
  Value exec(StatementTree s, Ctx c) {
    switch (s) {
      case BlockTree block -> {
        Ctx inner = c.with(new Env(c.env()));
        for (StatementTree st : block.getStatements()) {
          Value r = exec(st, inner);
          if (r != null) {
            return r;
          }
        }
        return null;
      }
      case ReturnTree ret -> {
        if (ret.getExpression() == null) {
          throw error(ret, c, "a @Model method must return a tensor; model code may use 'return <expression>;'");
        }
        return ev.eval(ret.getExpression(), c);
      }
      case VariableTree local -> {
        String name = local.getName().toString();
        Value v = local.getInitializer() == null ? null : ev.eval(local.getInitializer(), c);
        if (v != null && local.getType() instanceof PrimitiveTypeTree p) {
          Value converted = ConstOps.convert(v, p.getPrimitiveTypeKind());
          if (converted == null) {
            throw error(local.getInitializer(), c, "local variable '" + name + "' of type "
                + p + " cannot hold " + v.describe());
          }
          v = converted;
        }
        c.env().vars.put(name, v);
        return null;
      }
      case ExpressionStatementTree es -> {
        Value v = ev.eval(es.getExpression(), c);
        if (v instanceof TensorValue t && t.node().op().name().startsWith("Assign") && t.node().attrs().has("variable")) {
          // A graph runs only what a fetch depends on: a write whose result is dropped never runs.
          throw error(es, c, "the result of " + Unsupported.shortText(es.getExpression()) + " is discarded, so the"
              + " write would never run: an entry point runs only what its result depends on; return the"
              + " write's result or compute the result from it");
        }
        return null;
      }
      case IfTree ifTree -> {
        boolean cond = condition(ifTree.getCondition(), c, "an if");
        StatementTree branch = cond ? ifTree.getThenStatement() : ifTree.getElseStatement();
        return branch == null ? null : exec(branch, c.with(new Env(c.env())));
      }
      case ForLoopTree loop -> {
        return execFor(loop, c);
      }
      default -> {
        if (s.getKind() == Tree.Kind.EMPTY_STATEMENT) {
          return null;
        }
        throw error(s, c, Unsupported.message(s));
      }
    }
  }

  private Value execFor(ForLoopTree loop, Ctx c) {
    Ctx loopCtx = c.with(new Env(c.env()));
    for (StatementTree init : loop.getInitializer()) {
      exec(init, loopCtx);
    }
    if (loop.getCondition() == null) {
      throw error(loop, c, Unsupported.message("a for loop without a condition",
          "model code may use a for loop whose condition is a compile-time boolean"));
    }
    for (int i = 0; condition(loop.getCondition(), loopCtx, "a for loop"); i++) {
      if (i == MAX_LOOP_ITERATIONS) {
        throw error(loop, c, "a for loop in a @Model is unrolled at build time and may run at most "
            + MAX_LOOP_ITERATIONS + " iterations, but this one ran longer");
      }
      Value r = exec(loop.getStatement(), loopCtx.with(new Env(loopCtx.env())));
      if (r != null) {
        return r;
      }
      for (ExpressionStatementTree update : loop.getUpdate()) {
        exec(update, loopCtx);
      }
    }
    return null;
  }

  boolean condition(ExpressionTree cond, Ctx c, String what) {
    Value v = ev.eval(cond, c);
    if (v instanceof BoolValue(boolean bool)) {
      return bool;
    }
    throw error(cond, c, "the condition of " + what + " in a @Model must be a compile-time boolean,"
        + " got " + v.describe() + "; a tensor's value is unknown at build time");
  }
}

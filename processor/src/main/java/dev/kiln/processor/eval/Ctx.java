package dev.kiln.processor.eval;

import com.sun.source.tree.Tree;
import dev.kiln.processor.eval.Call.FieldRole;

/**
 * Where an expression is being evaluated: its class; the model object whose code it is (null in
 * a static constant of another class); locals; the field being initialized (its name qualified
 * by the object's path) and that field's role; whether a constructor is running, which alone may
 * assign fields.
 */
record Ctx(ClassScope cls, Instance self, Env env, String fieldName, FieldRole role, boolean constructing) {
  Ctx with(Env e) {
    return new Ctx(cls, self, e, fieldName, role, constructing);
  }

  /** A user error at {@code at}, in the compilation unit of the code being evaluated. */
  static EvalError error(Tree at, Ctx c, String message) {
    return new EvalError(at, c.cls().unit, message);
  }
}

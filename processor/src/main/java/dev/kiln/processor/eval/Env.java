package dev.kiln.processor.eval;

import java.util.HashMap;
import java.util.Map;

/** Local variables of one block; a null value is declared but not yet assigned. */
final class Env {
  final Env parent;
  final Map<String, Value> vars = new HashMap<>();

  Env(Env parent) {
    this.parent = parent;
  }

  Env find(String name) {
    for (Env e = this; e != null; e = e.parent) {
      if (e.vars.containsKey(name)) {
        return e;
      }
    }
    return null;
  }
}

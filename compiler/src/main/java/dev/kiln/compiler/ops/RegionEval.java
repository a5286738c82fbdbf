package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Region;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Reference evaluation of a {@link Region}: its params bound to values, its results computed. */
final class RegionEval {
  private RegionEval() {}

  static List<Value> run(Region r, List<Value> args, EvalContext ctx) {
    Map<Node, Value> values = new IdentityHashMap<>();
    for (int i = 0; i < r.params().size(); i++) {
      values.put(r.params().get(i), args.get(i));
    }
    for (Node n : Interpreter.closure(r.results())) {
      if (values.containsKey(n)) {
        continue;
      }
      List<Value> ins = new ArrayList<>(n.inputs().size());
      for (Node in : n.inputs()) {
        ins.add(values.get(in));
      }
      values.put(n, n.op().evaluate(ins, n.attrs(), ctx));
    }
    List<Value> out = new ArrayList<>();
    for (Node res : r.results()) {
      out.add(values.get(res));
    }
    return out;
  }
}

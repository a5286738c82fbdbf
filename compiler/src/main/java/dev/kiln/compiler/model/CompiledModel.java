package dev.kiln.compiler.model;

import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import java.util.List;

/**
 * A model after the compiler's passes: one optimized graph (forward and gradient nodes) and its
 * entry points. What every backend consumes.
 *
 * @param inputs placeholders in declaration order
 * @param params variables in declaration order
 */
public record CompiledModel(
    String packageName,
    String simpleName,
    Graph graph,
    List<Node> inputs,
    List<Node> params,
    List<EntryPoint> entryPoints) {

  public CompiledModel {
    inputs = List.copyOf(inputs);
    params = List.copyOf(params);
    entryPoints = List.copyOf(entryPoints);
  }
}

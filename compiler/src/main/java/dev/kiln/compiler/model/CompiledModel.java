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
 * @param summaries the model's summaries merged into one fetch, or null when it declares none.
 *     Kept apart from {@code entryPoints} because it hands out several results; the Java backend
 *     writes it as the facade's {@code summaries(...)} method.
 */
public record CompiledModel(
    String packageName,
    String simpleName,
    Graph graph,
    List<Node> inputs,
    List<Node> params,
    List<EntryPoint> entryPoints,
    SummaryFetch summaries) {

  /**
   * The merged summaries fetch: {@code entry} (a FETCH named {@code summaries}) schedules exactly
   * the closure of every summary's node; its output is the first summary's node.
   *
   * @param summaries each summary with its node translated into the compiled graph
   */
  public record SummaryFetch(List<dev.kiln.compiler.ir.Summary> summaries, EntryPoint entry) {
    public SummaryFetch {
      summaries = List.copyOf(summaries);
    }
  }

  public CompiledModel {
    inputs = List.copyOf(inputs);
    params = List.copyOf(params);
    entryPoints = List.copyOf(entryPoints);
  }

  /** A model without summaries. */
  public CompiledModel(String packageName, String simpleName, Graph graph, List<Node> inputs,
      List<Node> params, List<EntryPoint> entryPoints) {
    this(packageName, simpleName, graph, inputs, params, entryPoints, null);
  }
}

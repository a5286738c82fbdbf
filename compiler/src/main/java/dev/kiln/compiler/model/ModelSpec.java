package dev.kiln.compiler.model;

import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Summary;
import java.util.List;

/**
 * What a front end hands the compiler: the graph of one {@code @Model} class with its roles
 * marked, in declaration order.
 *
 * @param packageName the model class's package ("" for the unnamed package)
 * @param simpleName the model class's simple name, e.g. {@code MnistSoftmax}
 * @param inputs placeholder nodes, one per {@code @Input} field
 * @param params variable nodes, one per {@code @Param} field
 * @param fetches one per {@code @Fetch} method
 * @param losses one per {@code @Loss} method; each node is a floating-point scalar
 * @param summaries the summaries the model declares, in declaration order (merged into one
 *     fetch by the compiler)
 */
public record ModelSpec(
    String packageName,
    String simpleName,
    Graph graph,
    List<Node> inputs,
    List<Node> params,
    List<Named> fetches,
    List<Named> losses,
    List<Summary> summaries) {

  /** A graph node exposed under the name of the method that computes it. */
  public record Named(String name, Node node) {}

  public ModelSpec {
    inputs = List.copyOf(inputs);
    params = List.copyOf(params);
    fetches = List.copyOf(fetches);
    losses = List.copyOf(losses);
    summaries = List.copyOf(summaries);
  }

  /** A model without summaries. */
  public ModelSpec(String packageName, String simpleName, Graph graph, List<Node> inputs,
      List<Node> params, List<Named> fetches, List<Named> losses) {
    this(packageName, simpleName, graph, inputs, params, fetches, losses, List.of());
  }
}

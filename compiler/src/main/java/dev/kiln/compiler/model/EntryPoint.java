package dev.kiln.compiler.model;

import dev.kiln.compiler.ir.Node;
import java.util.List;
import java.util.Map;

/**
 * One compiled entry point of a model: a fetch, or a training step of a loss.
 *
 * @param name the method name it came from ({@code accuracy}, {@code loss})
 * @param kind whether it computes a fetch or trains a loss
 * @param inputs the placeholders it needs, in declaration order: exactly its closure's
 * @param output the fetched node, or the loss node
 * @param gradients for TRAIN: each trainable variable (in declaration order) to the node of the
 *     loss's gradient with respect to it; empty for FETCH
 * @param schedule every node to compute, in an order where inputs precede users: the transitive
 *     closure of {@code output} and the gradients, pruned of everything else
 */
public record EntryPoint(
    String name,
    Kind kind,
    List<Node> inputs,
    Node output,
    Map<Node, Node> gradients,
    List<Node> schedule) {

  public enum Kind { FETCH, TRAIN }

  public EntryPoint {
    inputs = List.copyOf(inputs);
    schedule = List.copyOf(schedule);
  }
}

package dev.kiln.compiler.passes;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.StandardOps;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Pruning to a transitive closure: what an entry point computes (only what its fetches need, as a
 * TensorFlow session runs only the closure of a fetch) and which placeholders it must be fed.
 */
public final class Prune {
  private Prune() {}

  /**
   * An entry point's work.
   *
   * @param schedule the closure of the roots, in graph order (inputs before users)
   * @param inputs the placeholders in the closure, in declaration order
   */
  public record Pruned(List<Node> schedule, List<Node> inputs) {
    public Pruned {
      schedule = List.copyOf(schedule);
      inputs = List.copyOf(inputs);
    }
  }

  /**
   * The closure of {@code roots} and the members of {@code declaredInputs} it reads.
   *
   * @throws IllegalArgumentException if the closure reads a placeholder not declared
   */
  public static Pruned prune(Collection<Node> roots, List<Node> declaredInputs) {
    List<Node> schedule = Interpreter.closure(roots);
    Set<Node> inClosure = new HashSet<>(schedule);
    List<Node> inputs = new ArrayList<>();
    for (Node in : declaredInputs) {
      if (inClosure.contains(in)) {
        inputs.add(in);
      }
    }
    Set<Node> declared = new HashSet<>(declaredInputs);
    for (Node n : schedule) {
      if (n.op() == StandardOps.PLACEHOLDER && !declared.contains(n)) {
        throw new IllegalArgumentException("placeholder " + n.name() + " is not a declared input");
      }
    }
    return new Pruned(schedule, inputs);
  }

  /** Dead-code elimination: rebuilds {@code graph} keeping only the closure of {@code roots}. */
  public static Rebuilder.Result retain(Graph graph, Collection<Node> roots) {
    Set<Integer> live = new HashSet<>();
    for (Node n : Interpreter.closure(roots)) {
      live.add(n.id());
    }
    return Rebuilder.rebuild(graph, n -> live.contains(n.id()), (b, old, ins, rebuilt) -> null);
  }
}

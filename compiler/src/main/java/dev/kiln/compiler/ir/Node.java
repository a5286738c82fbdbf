package dev.kiln.compiler.ir;

import java.util.List;

/**
 * One op application in a graph: its single output tensor has {@link #type()}. Nodes are
 * immutable; passes build new graphs.
 */
public final class Node {
  private final int id;
  private final OpDef op;
  private final List<Node> inputs;
  private final Attrs attrs;
  private final TensorType type;
  private final String name;
  private final Object origin;

  Node(int id, OpDef op, List<Node> inputs, Attrs attrs, TensorType type, String name, Object origin) {
    this.id = id;
    this.op = op;
    this.inputs = List.copyOf(inputs);
    this.attrs = attrs;
    this.type = type;
    this.name = name;
    this.origin = origin;
  }

  /** Position in its graph's node list; inputs always have smaller ids. */
  public int id() {
    return id;
  }

  public OpDef op() {
    return op;
  }

  public List<Node> inputs() {
    return inputs;
  }

  public Node input(int i) {
    return inputs.get(i);
  }

  public Attrs attrs() {
    return attrs;
  }

  public TensorType type() {
    return type;
  }

  public Shape shape() {
    return type.shape();
  }

  /** Unique within the graph, scope-qualified: {@code logits/MatMul}. */
  public String name() {
    return name;
  }

  /** The name scope: the part of {@link #name()} before the last slash, or "". */
  public String scope() {
    int slash = name.lastIndexOf('/');
    return slash < 0 ? "" : name.substring(0, slash);
  }

  /** Where this node came from in the user's source (front-end specific), or null. */
  public Object origin() {
    return origin;
  }

  @Override
  public String toString() {
    return name + ":" + op.name() + (attrs.asMap().isEmpty() ? "" : attrs.toString()) + " -> " + type;
  }
}

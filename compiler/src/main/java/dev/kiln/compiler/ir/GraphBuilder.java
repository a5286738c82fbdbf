package dev.kiln.compiler.ir;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Graph}: applies shape rules as nodes are added, names nodes within the current
 * name scope, and remembers the source origin that diagnostics point at.
 */
public final class GraphBuilder {
  private final Graph graph = new Graph();
  private final Deque<String> scopes = new ArrayDeque<>();
  private final Map<String, Integer> nameCounts = new HashMap<>();
  /** The model's summaries, in the order they were declared (see {@link Summary}). */
  private final List<Summary> summaries = new ArrayList<>();
  private Object origin;

  public Graph graph() {
    return graph;
  }

  /** Adds a node of {@code op}; throws {@link ShapeError} if the op rejects its operands. */
  public Node apply(OpDef op, Attrs attrs, Node... inputs) {
    return apply(op, attrs, List.of(inputs));
  }

  public Node apply(OpDef op, Attrs attrs, List<Node> inputs) {
    List<TensorType> types = new ArrayList<>(inputs.size());
    for (Node in : inputs) {
      types.add(in.type());
      if (!op.acceptsStorageTypes() && isStorageOnly(in.type())) {
        String user = Character.toLowerCase(op.name().charAt(0)) + op.name().substring(1);
        throw new ShapeError(user + ": " + in.type().dtype().label() + " is a storage type with no"
            + " arithmetic, got " + in.type() + "; cast it to f32 first");
      }
    }
    TensorType type = op.inferType(types, attrs);
    return addNode(op, attrs, inputs, type, baseName(op, attrs));
  }

  /** f16 and bf16 hold values; ops compute on them only after a cast (see OpDef). */
  private static boolean isStorageOnly(TensorType t) {
    return t.dtype() == dev.kiln.dsl.DType.F16 || t.dtype() == dev.kiln.dsl.DType.BF16;
  }

  /** Adds a node whose type and name are already known (used when passes rebuild a graph). */
  public Node copyOf(Node n, List<Node> newInputs) {
    return addNode(n.op(), n.attrs(), newInputs, n.type(), n.name());
  }

  private Node addNode(OpDef op, Attrs attrs, List<Node> inputs, TensorType type, String base) {
    Node n = new Node(graph.size(), op, inputs, attrs, type, uniqueName(base), origin);
    graph.add(n);
    return n;
  }

  private String baseName(OpDef op, Attrs attrs) {
    String leaf = attrs.has("name") ? attrs.<String>get("name") : op.name();
    return scopes.isEmpty() ? leaf : String.join("/", scopes.reversed()) + "/" + leaf;
  }

  private String uniqueName(String base) {
    int k = nameCounts.merge(base, 1, Integer::sum);
    return k == 1 ? base : base + "_" + (k - 1);
  }

  /** Enters a name scope; nodes added until the matching {@link #popScope()} are named under it. */
  public void pushScope(String name) {
    scopes.push(name);
  }

  public void popScope() {
    scopes.pop();
  }

  /** The open name scopes joined by '/', or "" at the top level. */
  public String scope() {
    return String.join("/", scopes.reversed());
  }

  /** Records a summary (the front end checks that its tag is new). */
  public void addSummary(Summary s) {
    summaries.add(s);
  }

  public List<Summary> summaries() {
    return List.copyOf(summaries);
  }

  /**
   * Leaves every open name scope and returns them, for {@link #restoreScopes}: a layer's variables
   * and fields are named by where the layer lives, not by the method that first used it.
   */
  public List<String> clearScopes() {
    List<String> saved = List.copyOf(scopes);
    scopes.clear();
    return saved;
  }

  /** Reopens the scopes {@link #clearScopes()} returned, replacing whatever is open now. */
  public void restoreScopes(List<String> saved) {
    scopes.clear();
    scopes.addAll(saved);
  }

  /** The source position attached to nodes added from now on (front-end specific). */
  public Object setOrigin(Object origin) {
    Object previous = this.origin;
    this.origin = origin;
    return previous;
  }
}

package dev.kiln.compiler.interp;

import dev.kiln.compiler.ir.Node;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * The reference interpreter: evaluates the transitive closure of some nodes by each op's
 * reference semantics. It defines what every backend must compute.
 */
public final class Interpreter implements EvalContext {
  private final Map<String, Value> feeds;
  private final Map<String, Value> variables;
  private final RandomGenerator rng;

  private boolean training;

  public Interpreter(Map<String, Value> feeds, Map<String, Value> variables, long seed) {
    this(feeds, variables, new SplittableRandom(seed));
  }

  /** An interpreter whose random ops draw from {@code rng} (to mirror a backend's generator). */
  public Interpreter(Map<String, Value> feeds, Map<String, Value> variables, RandomGenerator rng) {
    this.feeds = feeds;
    this.variables = new HashMap<>(variables); // assignments replace entries, never the caller's
    this.rng = rng;
  }

  public Interpreter(Map<String, Value> feeds, Map<String, Value> variables) {
    this(feeds, variables, 0);
  }

  /** Evaluates {@code fetches} and everything they depend on; returns a value per fetched node. */
  public Map<Node, Value> run(Collection<Node> fetches) {
    Map<Integer, Value> values = new HashMap<>();
    for (Node n : closure(fetches)) {
      List<Value> args = new ArrayList<>(n.inputs().size());
      for (Node in : n.inputs()) {
        args.add(values.get(in.id()));
      }
      values.put(n.id(), n.op().evaluate(args, n.attrs(), this));
    }
    Map<Node, Value> out = new HashMap<>();
    for (Node f : fetches) {
      out.put(f, values.get(f.id()));
    }
    return out;
  }

  public Value run(Node fetch) {
    return run(List.of(fetch)).get(fetch);
  }

  /** The nodes {@code roots} depend on, themselves included, in graph order. */
  public static List<Node> closure(Collection<Node> roots) {
    TreeSet<Integer> seen = new TreeSet<>();
    Map<Integer, Node> byId = new HashMap<>();
    List<Node> stack = new ArrayList<>(roots);
    while (!stack.isEmpty()) {
      Node n = stack.removeLast();
      if (seen.add(n.id())) {
        byId.put(n.id(), n);
        stack.addAll(n.inputs());
      }
    }
    List<Node> ordered = new ArrayList<>(seen.size());
    for (int id : seen) {
      ordered.add(byId.get(id));
    }
    return ordered;
  }

  @Override
  public Value feed(String name) {
    Value v = feeds.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no value fed for placeholder " + name);
    }
    return v;
  }

  @Override
  public Value variable(String name) {
    Value v = variables.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no value for variable " + name);
    }
    return v;
  }

  @Override
  public void assignVariable(String name, Value value) {
    variable(name); // only existing variables can be assigned
    variables.put(name, value);
  }

  /** Every variable's current value: as given, with this interpreter's assignments applied. */
  public Map<String, Value> variables() {
    return java.util.Collections.unmodifiableMap(variables);
  }

  @Override
  public RandomGenerator rng() {
    return rng;
  }

  /** Evaluates as a training step (dropout draws masks) when {@code training}; returns this. */
  public Interpreter training(boolean training) {
    this.training = training;
    return this;
  }

  @Override
  public boolean training() {
    return training;
  }
}

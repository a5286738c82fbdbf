package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Graph descriptions for tools: JSON (every node with its attributes, type and inputs by id, plus
 * the entry points) and Graphviz DOT (one cluster per name scope, nested like the scopes). Output
 * is deterministic: nodes in graph order, attributes sorted by key.
 */
public final class GraphExport {
  private GraphExport() {}

  /** Numeric arrays longer than this are summarized as {@code {"length": n}} in JSON. */
  static final int MAX_INLINE_ARRAY = 64;

  // ---- JSON ---------------------------------------------------------------------------------

  public static String json(CompiledModel model) {
    StringBuilder out = new StringBuilder();
    out.append("{\n");
    out.append("  \"package\": ").append(str(model.packageName())).append(",\n");
    out.append("  \"model\": ").append(str(model.simpleName())).append(",\n");
    out.append("  \"inputs\": ").append(ids(model.inputs())).append(",\n");
    out.append("  \"params\": ").append(ids(model.params())).append(",\n");
    out.append("  \"nodes\": [");
    List<Node> nodes = model.graph().nodes();
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      out.append(i == 0 ? "\n" : ",\n");
      out.append("    {\"id\": ").append(n.id())
          .append(", \"name\": ").append(str(n.name()))
          .append(", \"scope\": ").append(str(n.scope()))
          .append(", \"op\": ").append(str(n.op().name()))
          .append(", \"dtype\": ").append(str(n.type().dtype().label()))
          .append(", \"shape\": ").append(shape(n.shape()))
          .append(", \"inputs\": ").append(ids(n.inputs()))
          .append(", \"attrs\": ").append(attrs(n.attrs().asMap()))
          .append("}");
    }
    out.append(nodes.isEmpty() ? "],\n" : "\n  ],\n");
    out.append("  \"entryPoints\": [");
    List<EntryPoint> eps = model.entryPoints();
    for (int i = 0; i < eps.size(); i++) {
      EntryPoint e = eps.get(i);
      out.append(i == 0 ? "\n" : ",\n");
      StringJoiner grads = new StringJoiner(", ", "[", "]");
      for (Map.Entry<Node, Node> g : e.gradients().entrySet()) {
        grads.add("{\"param\": " + g.getKey().id() + ", \"gradient\": " + g.getValue().id() + "}");
      }
      out.append("    {\"name\": ").append(str(e.name()))
          .append(", \"kind\": ").append(str(e.kind().name()))
          .append(", \"inputs\": ").append(ids(e.inputs()))
          .append(", \"output\": ").append(e.output().id())
          .append(", \"gradients\": ").append(grads)
          .append(", \"schedule\": ").append(ids(e.schedule()))
          .append("}");
    }
    out.append(eps.isEmpty() ? "]\n" : "\n  ]\n");
    out.append("}\n");
    return out.toString();
  }

  private static String ids(List<Node> nodes) {
    StringJoiner j = new StringJoiner(", ", "[", "]");
    for (Node n : nodes) {
      j.add(Integer.toString(n.id()));
    }
    return j.toString();
  }

  private static String shape(Shape s) {
    StringJoiner j = new StringJoiner(", ", "[", "]");
    for (Dim d : s.dims()) {
      j.add(d.isStatic() ? Long.toString(d.size()) : str(d.symbol()));
    }
    return j.toString();
  }

  private static String attrs(Map<String, Object> attrs) {
    StringJoiner j = new StringJoiner(", ", "{", "}");
    new TreeMap<>(attrs).forEach((k, v) -> j.add(str(k) + ": " + value(v)));
    return j.toString();
  }

  private static String value(Object v) {
    return switch (v) {
      case null -> "null";
      case Boolean bool -> bool.toString();
      case Integer i -> i.toString();
      case Long l -> l.toString();
      case Double d -> number(d);
      case Float f -> number(f);
      case DType t -> str(t.label());
      case Shape s -> shape(s);
      case int[] a -> {
        if (a.length > MAX_INLINE_ARRAY) {
          yield "{\"length\": " + a.length + "}";
        }
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (int x : a) {
          j.add(Integer.toString(x));
        }
        yield j.toString();
      }
      case double[] a -> {
        if (a.length > MAX_INLINE_ARRAY) {
          yield "{\"length\": " + a.length + "}";
        }
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (double x : a) {
          j.add(number(x));
        }
        yield j.toString();
      }
      default -> str(String.valueOf(v));
    };
  }

  /** A JSON number; NaN and infinities, which JSON lacks, as the strings Java prints. */
  private static String number(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return str(Double.toString(d));
    }
    return Double.toString(d); // "1.0", "-0.0", "1.0E-5": all valid JSON numbers
  }

  /** A JSON string literal. */
  static String str(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  // ---- DOT ----------------------------------------------------------------------------------

  public static String dot(CompiledModel model) {
    Scope root = new Scope("", "");
    for (Node n : model.graph().nodes()) {
      Scope s = root;
      if (!n.scope().isEmpty()) {
        String path = "";
        for (String part : n.scope().split("/")) {
          path = path.isEmpty() ? part : path + "/" + part;
          String p = path;
          s = s.children.computeIfAbsent(part, k -> new Scope(k, p));
        }
      }
      s.nodes.add(n);
    }
    StringBuilder out = new StringBuilder();
    out.append("digraph ").append(dotId(model.simpleName().isEmpty() ? "model" : model.simpleName())).append(" {\n");
    out.append("  rankdir=TB;\n");
    out.append("  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n");
    out.append("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    writeScope(out, root, "  ");
    for (Node n : model.graph().nodes()) {
      for (Node in : n.inputs()) {
        out.append("  n").append(in.id()).append(" -> n").append(n.id())
            .append(" [label=").append(dotId(in.type().toString())).append("];\n");
      }
    }
    out.append("}\n");
    return out.toString();
  }

  private static final class Scope {
    final String leaf;
    final String path;
    final TreeMap<String, Scope> children = new TreeMap<>();
    final List<Node> nodes = new ArrayList<>();

    Scope(String leaf, String path) {
      this.leaf = leaf;
      this.path = path;
    }
  }

  private static void writeScope(StringBuilder out, Scope scope, String indent) {
    for (Node n : scope.nodes) {
      String leafName = n.name().substring(n.name().lastIndexOf('/') + 1);
      String label = leafName.equals(n.op().name())
          ? n.op().name() + "\n" + n.type()
          : leafName + "\n" + n.op().name() + " " + n.type();
      out.append(indent).append('n').append(n.id()).append(" [label=").append(dotId(label));
      switch (n.op().name()) {
        case "Placeholder" -> out.append(", shape=ellipse, style=filled, fillcolor=\"#dbeafe\"");
        case "Variable" -> out.append(", shape=ellipse, style=filled, fillcolor=\"#fde68a\"");
        case "Const" -> out.append(", style=\"rounded,dashed\"");
        default -> { }
      }
      out.append("];\n");
    }
    for (Scope child : scope.children.values()) {
      out.append(indent).append("subgraph ").append(dotId("cluster_" + child.path)).append(" {\n");
      out.append(indent).append("  label=").append(dotId(child.leaf)).append(";\n");
      out.append(indent).append("  style=rounded; color=\"#888888\";\n");
      writeScope(out, child, indent + "  ");
      out.append(indent).append("}\n");
    }
  }

  /** A quoted DOT identifier; newlines become DOT's centered line breaks. */
  static String dotId(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> { }
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }
}

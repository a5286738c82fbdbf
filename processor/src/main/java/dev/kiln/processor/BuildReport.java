package dev.kiln.processor;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.compiler.passes.ModelCost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code <Model>.report.html}, written beside the generated sources: one self-contained page (no
 * script, no external file, so it opens from disk) with the parameter count, FLOPs and peak
 * memory of each entry point, and the graph drawn in layers with each top-level name scope as
 * one box. The full graph, with scopes that expand on click, is in Kiln Board
 * ({@code kiln board --model <jar>}).
 */
final class BuildReport {
  private BuildReport() {}

  static final int BOX_W = 168;
  static final int BOX_H = 40;
  static final int GAP_X = 24;
  static final int GAP_Y = 44;

  static String html(CompiledModel model) {
    ModelCost.Report cost = ModelCost.of(model);
    String name = model.packageName().isEmpty() ? model.simpleName() : model.packageName() + "." + model.simpleName();
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Kiln report: ")
        .append(esc(model.simpleName())).append("</title>\n<style>\n")
        .append("body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1f2937}h1{font-size:20px}")
        .append("table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #e5e7eb;padding:4px 10px;text-align:right}")
        .append("th{background:#fef3c7}td:first-child,th:first-child{text-align:left}.note{color:#6b7280}")
        .append("svg text{font:11px system-ui,sans-serif}.scope rect{fill:#fef3c7;stroke:#b45309}")
        .append(".op rect{fill:#fff;stroke:#6b7280}.Placeholder rect{fill:#dbeafe;stroke:#2563eb}")
        .append(".Variable rect{fill:#fde68a;stroke:#b45309}line{stroke:#9ca3af}\n</style>\n</head>\n<body>\n");
    h.append("<h1>Kiln build report: ").append(esc(name)).append("</h1>\n");
    ModelCost.Params p = cost.params();
    h.append("<p><b>").append(fmt(p.trainable())).append("</b> trainable parameters");
    if (p.state() > 0) {
      h.append(", ").append(fmt(p.state())).append(" state values");
    }
    h.append(" (").append(bytes(p.variableBytes())).append(" of variables); ")
        .append(model.graph().nodes().size()).append(" graph nodes, ")
        .append(model.inputs().size()).append(" inputs.</p>\n");
    h.append("<p class=\"note\">Every symbolic dimension (batch, sequence length) is taken as <b>")
        .append(cost.symbolicSize()).append("</b>. FLOPs count a multiply-add as 2; a training step's")
        .append(" figures are its forward and backward pass, without the optimizer update. Peak memory")
        .append(" is the largest total of intermediate tensors alive at once in the plan's schedule")
        .append(" (inputs and variables not included).</p>\n");
    h.append("<table id=\"entry-points\">\n<tr><th>entry point</th><th>kind</th><th>nodes</th><th>FLOPs</th><th>peak memory</th></tr>\n");
    for (ModelCost.EntryCost e : cost.entries()) {
      h.append("<tr><td>").append(esc(e.name())).append("</td><td>")
          .append(e.kind() == EntryPoint.Kind.TRAIN ? "training step" : "fetch").append("</td><td>")
          .append(e.nodes()).append("</td><td data-flops=\"").append(e.flops()).append("\">")
          .append(fmt(e.flops())).append("</td><td data-bytes=\"").append(e.peakBytes()).append("\">")
          .append(bytes(e.peakBytes())).append("</td></tr>\n");
    }
    h.append("</table>\n<h2>Graph</h2>\n");
    h.append("<p class=\"note\">Top-level name scopes are drawn as one box each; hover a box for its nodes.</p>\n");
    svg(h, model);
    h.append("<h2>Nodes</h2>\n<table id=\"nodes\">\n<tr><th>name</th><th>op</th><th>type</th></tr>\n");
    for (Node n : model.graph().nodes()) {
      h.append("<tr><td>").append(esc(n.name())).append("</td><td>").append(esc(n.op().name()))
          .append("</td><td>").append(esc(n.type().toString())).append("</td></tr>\n");
    }
    h.append("</table>\n</body>\n</html>\n");
    return h.toString();
  }

  /** The graph in layers: units are top-level scopes or unscoped nodes, placed by longest path. */
  private static void svg(StringBuilder h, CompiledModel model) {
    Map<String, List<Node>> units = new LinkedHashMap<>();
    Map<Node, String> unitOf = new HashMap<>();
    for (Node n : model.graph().nodes()) {
      String u = n.scope().isEmpty() ? "n" + n.id() : "s" + n.scope().split("/")[0];
      units.computeIfAbsent(u, k -> new ArrayList<>()).add(n);
      unitOf.put(n, u);
    }
    List<String> order = new ArrayList<>(units.keySet()); // by first node id: inputs come first
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < order.size(); i++) {
      index.put(order.get(i), i);
    }
    Map<String, Set<String>> preds = new HashMap<>();
    for (Node n : model.graph().nodes()) {
      for (Node in : n.inputs()) {
        String a = unitOf.get(in);
        String b = unitOf.get(n);
        if (!a.equals(b) && index.get(a) < index.get(b)) { // edges back (scope cycles) are not drawn
          preds.computeIfAbsent(b, k -> new LinkedHashSet<>()).add(a);
        }
      }
    }
    Map<String, Integer> layer = new HashMap<>();
    TreeMap<Integer, List<String>> layers = new TreeMap<>();
    for (String u : order) {
      int l = 0;
      for (String p : preds.getOrDefault(u, Set.of())) {
        l = Math.max(l, layer.get(p) + 1);
      }
      layer.put(u, l);
      layers.computeIfAbsent(l, k -> new ArrayList<>()).add(u);
    }
    int widest = layers.values().stream().mapToInt(List::size).max().orElse(1);
    int width = widest * (BOX_W + GAP_X) + GAP_X;
    int height = layers.size() * (BOX_H + GAP_Y) + GAP_Y;
    Map<String, int[]> at = new HashMap<>();
    for (var e : layers.entrySet()) {
      List<String> row = e.getValue();
      int offset = (width - row.size() * (BOX_W + GAP_X) + GAP_X) / 2;
      for (int i = 0; i < row.size(); i++) {
        at.put(row.get(i), new int[] {offset + i * (BOX_W + GAP_X), GAP_Y / 2 + e.getKey() * (BOX_H + GAP_Y)});
      }
    }
    h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"graph\" width=\"").append(width)
        .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
        .append(height).append("\">\n");
    for (var e : preds.entrySet()) {
      int[] b = at.get(e.getKey());
      for (String a : e.getValue()) {
        int[] p = at.get(a);
        h.append("<line x1=\"").append(p[0] + BOX_W / 2).append("\" y1=\"").append(p[1] + BOX_H)
            .append("\" x2=\"").append(b[0] + BOX_W / 2).append("\" y2=\"").append(b[1]).append("\"/>\n");
      }
    }
    for (String u : order) {
      int[] p = at.get(u);
      List<Node> nodes = units.get(u);
      boolean scope = u.startsWith("s");
      String title = scope ? u.substring(1) : leaf(nodes.get(0).name());
      String sub = scope ? nodes.size() + " nodes" : nodes.get(0).op().name() + " " + nodes.get(0).type();
      String cls = scope ? "scope" : "op " + nodes.get(0).op().name();
      StringBuilder tip = new StringBuilder();
      for (Node n : nodes.subList(0, Math.min(nodes.size(), 40))) {
        tip.append(n.name()).append(": ").append(n.op().name()).append(' ').append(n.type()).append('\n');
      }
      h.append("<g class=\"").append(cls).append("\" transform=\"translate(").append(p[0]).append(',').append(p[1])
          .append(")\"><title>").append(esc(tip.toString().strip())).append("</title><rect width=\"").append(BOX_W)
          .append("\" height=\"").append(BOX_H).append("\" rx=\"").append(scope ? 4 : 12).append("\"/>")
          .append("<text x=\"8\" y=\"16\">").append(esc(clip(title, 24))).append("</text>")
          .append("<text x=\"8\" y=\"31\" fill=\"#6b7280\">").append(esc(clip(sub, 28))).append("</text></g>\n");
    }
    h.append("</svg>\n");
  }

  private static String leaf(String name) {
    return name.substring(name.lastIndexOf('/') + 1);
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  static String fmt(long n) {
    if (n >= 1_000_000_000L) return String.format(Locale.ROOT, "%.2f G", n / 1e9);
    if (n >= 1_000_000L) return String.format(Locale.ROOT, "%.2f M", n / 1e6);
    if (n >= 10_000L) return String.format(Locale.ROOT, "%.1f k", n / 1e3);
    return Long.toString(n);
  }

  static String bytes(long b) {
    if (b >= 1L << 30) return String.format(Locale.ROOT, "%.2f GiB", b / (double) (1L << 30));
    if (b >= 1L << 20) return String.format(Locale.ROOT, "%.2f MiB", b / (double) (1L << 20));
    if (b >= 1L << 10) return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    return b + " B";
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}

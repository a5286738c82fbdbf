package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Summary;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.compiler.model.ModelSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiler's pass pipeline, from a front end's {@link ModelSpec} to the {@link CompiledModel}
 * every backend consumes: stable log-softmax rewrite, common-subgraph elimination, symbolic
 * gradients of every loss with respect to every trainable parameter, common-subgraph elimination
 * again, dead-code elimination, and one pruned entry point per fetch and per loss.
 */
public final class KilnCompiler {
  private KilnCompiler() {}

  /** Node counts along the pipeline, for the build report. */
  public record Report(
      int original, int afterRewrite, int afterCse, int afterAutodiff, int afterSecondCse, int optimized) {

    /** Nodes merged by the first common-subgraph elimination. */
    public int mergedBeforeAutodiff() {
      return afterRewrite - afterCse;
    }

    /** Nodes merged by the second common-subgraph elimination. */
    public int mergedAfterAutodiff() {
      return afterAutodiff - afterSecondCse;
    }

    public List<String> lines() {
      return List.of(
          "graph nodes: " + original + " from the model",
          "  after log-softmax rewrite: " + afterRewrite,
          "  after common-subgraph elimination: " + afterCse + " (" + mergedBeforeAutodiff() + " merged)",
          "  after autodiff: " + afterAutodiff + " (" + (afterAutodiff - afterCse) + " gradient nodes)",
          "  after common-subgraph elimination: " + afterSecondCse + " (" + mergedAfterAutodiff() + " merged)",
          "  after dead-code elimination: " + optimized);
    }

    @Override
    public String toString() {
      return String.join("\n", lines());
    }
  }

  public record Compilation(CompiledModel model, Report report) {}

  public static CompiledModel compile(ModelSpec spec) {
    return compileWithReport(spec).model();
  }

  public static Compilation compileWithReport(ModelSpec spec) {
    State s = new State(spec);
    int original = spec.graph().size();

    s.remap(StableLogSoftmax.apply(spec.graph(), s.roots()));
    int afterRewrite = s.last.graph().size();

    s.remap(CommonSubexpressionElimination.apply(s.last.graph()));
    int afterCse = s.last.graph().size();

    List<Node> trainable = s.params.stream().filter(KilnCompiler::isTrainable).toList();
    for (int i = 0; i < s.losses.size(); i++) {
      String scope = s.losses.size() == 1 ? "gradients" : "gradients_" + spec.losses().get(i).name();
      Map<Node, Node> g = Autodiff.gradients(s.last.builder(), s.losses.get(i), trainable, scope);
      s.gradients.add(new ArrayList<>(g.values()));
    }
    int afterAutodiff = s.last.graph().size();

    s.remap(CommonSubexpressionElimination.apply(s.last.graph()));
    int afterSecondCse = s.last.graph().size();

    s.remap(Prune.retain(s.last.graph(), s.roots()));
    int optimized = s.last.graph().size();

    List<Node> finalTrainable = s.params.stream().filter(KilnCompiler::isTrainable).toList();
    List<EntryPoint> entryPoints = new ArrayList<>();
    for (int i = 0; i < s.fetches.size(); i++) {
      entryPoints.add(fetch(spec.fetches().get(i).name(), s.fetches.get(i), s.inputs));
    }
    for (int i = 0; i < s.losses.size(); i++) {
      String name = spec.losses().get(i).name();
      Node loss = s.losses.get(i);
      entryPoints.add(fetch(name, loss, s.inputs));
      Map<Node, Node> grads = new LinkedHashMap<>();
      List<Node> roots = new ArrayList<>(List.of(loss));
      for (int k = 0; k < finalTrainable.size(); k++) {
        grads.put(finalTrainable.get(k), s.gradients.get(i).get(k));
        roots.add(s.gradients.get(i).get(k));
      }
      Prune.Pruned p = Prune.prune(roots, s.inputs);
      StateWrites.check(name, p.schedule());
      entryPoints.add(new EntryPoint(
          name, EntryPoint.Kind.TRAIN, p.inputs(), loss, Collections.unmodifiableMap(grads), p.schedule()));
    }
    CompiledModel.SummaryFetch summaries = null;
    if (!s.summaries.isEmpty()) {
      List<Summary> translated = new ArrayList<>();
      for (int i = 0; i < s.summaries.size(); i++) {
        Summary declared = spec.summaries().get(i);
        translated.add(new Summary(declared.tag(), declared.kind(), s.summaries.get(i)));
      }
      // One fetch over the closure of every summary: recording costs this fetch alone.
      Prune.Pruned p = Prune.prune(s.summaries, s.inputs);
      StateWrites.check(SUMMARIES, p.schedule());
      summaries = new CompiledModel.SummaryFetch(translated, new EntryPoint(SUMMARIES, EntryPoint.Kind.FETCH,
          p.inputs(), s.summaries.getFirst(), Map.of(), p.schedule()));
    }
    CompiledModel model = new CompiledModel(
        spec.packageName(), spec.simpleName(), s.last.graph(), s.inputs, s.params, entryPoints, summaries);
    return new Compilation(
        model, new Report(original, afterRewrite, afterCse, afterAutodiff, afterSecondCse, optimized));
  }

  /** The name of the merged summaries fetch. */
  public static final String SUMMARIES = "summaries";

  static boolean isTrainable(Node param) {
    return !param.attrs().has("trainable") || param.attrs().getBool("trainable");
  }

  private static EntryPoint fetch(String name, Node output, List<Node> declaredInputs) {
    Prune.Pruned p = Prune.prune(List.of(output), declaredInputs);
    StateWrites.check(name, p.schedule());
    return new EntryPoint(name, EntryPoint.Kind.FETCH, p.inputs(), output, Map.of(), p.schedule());
  }

  /** The nodes the pipeline tracks, translated through every rebuild. */
  private static final class State {
    List<Node> inputs;
    List<Node> params;
    List<Node> fetches;
    List<Node> losses;
    List<Node> summaries;
    List<List<Node>> gradients = new ArrayList<>();
    Rebuilder.Result last;

    State(ModelSpec spec) {
      inputs = spec.inputs();
      params = spec.params();
      fetches = spec.fetches().stream().map(ModelSpec.Named::node).toList();
      losses = spec.losses().stream().map(ModelSpec.Named::node).toList();
      summaries = spec.summaries().stream().map(Summary::node).toList();
    }

    List<Node> roots() {
      List<Node> roots = new ArrayList<>();
      roots.addAll(inputs);
      roots.addAll(params);
      roots.addAll(fetches);
      roots.addAll(losses);
      roots.addAll(summaries);
      gradients.forEach(roots::addAll);
      return roots;
    }

    void remap(Rebuilder.Result r) {
      inputs = r.mapAll(inputs);
      params = r.mapAll(params);
      fetches = r.mapAll(fetches);
      losses = r.mapAll(losses);
      summaries = r.mapAll(summaries);
      List<List<Node>> g = new ArrayList<>();
      for (List<Node> grads : gradients) {
        g.add(r.mapAll(grads));
      }
      gradients = g;
      last = r;
    }
  }
}

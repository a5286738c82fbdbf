package dev.kiln.processor.eval;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ops.RegionBuilder;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where DSL calls add nodes: the model's graph, or while a lambda of cond/whileLoop/scan is
 * evaluated, the builder of the region it fills ({@link #region()}; null at the top level).
 */
final class GraphTarget {
  private GraphBuilder b;
  private RegionBuilder region;
  /** The model's own graph: field values are always built here, wherever they are first read. */
  private final GraphBuilder modelGraph;

  GraphTarget(GraphBuilder modelGraph) {
    this.b = modelGraph;
    this.modelGraph = modelGraph;
  }

  GraphBuilder builder() {
    return b;
  }

  /** The region being filled, or null when building into the model's graph. */
  RegionBuilder region() {
    return region;
  }

  /** Runs {@code f} with DSL calls building into {@code graph} (a region's, or the model's with null). */
  <T> T inGraph(GraphBuilder graph, RegionBuilder r, Supplier<T> f) {
    GraphBuilder savedB = b;
    RegionBuilder savedRegion = region;
    b = graph;
    region = r;
    try {
      return f.get();
    } finally {
      b = savedB;
      region = savedRegion;
    }
  }

  /** Runs {@code f} building into the model's graph, so every reader of what it builds can use it. */
  <T> T inModelGraph(Supplier<T> f) {
    return inGraph(modelGraph, null, f);
  }

  /** Runs {@code f} building into region {@code r}, or in place (the caller's graph) when r is null. */
  <T> T inRegion(RegionBuilder r, Supplier<T> f) {
    return r == null ? f.get() : inGraph(r.builder(), r, f);
  }

  /**
   * Runs {@code f} with the name scopes replaced by {@code scope} alone (none when null): what a
   * field or a layer's constructor builds is named by its path, whoever reads it first.
   */
  <T> T inScopeOnly(String scope, Supplier<T> f) {
    List<String> saved = b.clearScopes();
    if (scope != null) {
      b.pushScope(scope);
    }
    try {
      return f.get();
    } finally {
      b.restoreScopes(saved);
    }
  }
}
